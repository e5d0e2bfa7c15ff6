import { z } from 'zod';
import { badRequest } from '../errors';

export { beforeCursor, cursorTime } from '@/db/keyset';

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
};

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/** Opaque keyset cursor over (timestamp as microsecond text, id), newest first. */
export function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { at: string; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof at !== 'string' || !ISO.test(at) || Number.isNaN(new Date(at).getTime())) throw new Error();
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) throw new Error();
    return { at, id };
  } catch {
    throw badRequest('Invalid cursor', [{ path: 'cursor', message: 'Not a cursor this API returned' }]);
  }
}

/** One page of rows selected with `cursorAt: cursorTime(…)`, and the cursor of the next. */
export function page<T extends { id: string; cursorAt: string }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.cursorAt, last.id) : null };
}
