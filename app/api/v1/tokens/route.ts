import { route } from '@/lib/http/route';
import { createTokenSchema, listTokensQuery } from '@/lib/tokens/schemas';
import { createApiToken } from '@/lib/tokens/service';
import { tokenTable, tokenTableQuery } from '@/lib/tokens/table';

// Revoked tokens only when asked for, as before the list was sorted and paged.
const query = tokenTableQuery.omit({ includeRevoked: true }).extend(listTokensQuery.shape);

export const GET = route({ query }, ({ db, principal, query: { includeRevoked, ...q } }) =>
  tokenTable(db, principal, { ...q, includeRevoked: includeRevoked === 'true' }),
);

export const POST = route({ body: createTokenSchema, status: 201, idempotent: true }, ({ db, principal, body }) =>
  createApiToken(db, principal, body),
);
