import { conflict } from '../errors';

/** The 409 a create into an archived department answers (the database's insert guard says the same). */
export function archivedConflict(id: string) {
  return conflict(`Department ${id} is archived: it takes no new agents or tasks (unarchive it first)`, { archived: true });
}
