/**
 * A per-process memory of rows read often and changed rarely, each trusted for `ttlMs`. Writers
 * in this process call forget(); other processes see a change within ttlMs.
 */
export function recentRows<T>(ttlMs: number, maxEntries: number) {
  const rows = new Map<string, { row: T; at: number }>();
  return {
    async get(id: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
      const hit = rows.get(id);
      if (hit && Date.now() - hit.at < ttlMs) return hit.row;
      const row = await load();
      if (rows.size >= maxEntries) rows.clear();
      if (row) rows.set(id, { row, at: Date.now() });
      else rows.delete(id);
      return row;
    },
    forget(id: string): void {
      rows.delete(id);
    },
  };
}
