import { route } from '@/lib/http/route';
import { createTokenSchema, listTokensQuery } from '@/lib/tokens/schemas';
import { createApiToken, listApiTokens } from '@/lib/tokens/service';

export const GET = route({ query: listTokensQuery }, ({ db, principal, query }) =>
  listApiTokens(db, principal, { includeRevoked: query.includeRevoked === 'true' }),
);

export const POST = route({ body: createTokenSchema, status: 201, idempotent: true }, ({ db, principal, body }) =>
  createApiToken(db, principal, body),
);
