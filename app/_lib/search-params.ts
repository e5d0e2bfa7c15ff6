/** Next passes string | string[] | undefined; the console's filters are single values. */
export function single(sp: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(sp)) out[k] = Array.isArray(v) ? v[0] : v || undefined;
  return out;
}
