import { z } from 'zod';
import { parseRoleMap, type RoleMap } from './role-map';

/** One OpenID Connect provider, as the settings name it. */
export type OidcProviderSettings = {
  /** Auth.js's provider id: the callback URL is /api/auth/callback/<id>. */
  id: string;
  /** The setting prefix it came from (OIDC_, OIDC_2_, …), for messages. */
  prefix: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  autoCreate: boolean;
  roleClaim: string;
  roleMap: RoleMap;
  /** Scopes asked for: `openid email profile` and whatever the role claim needs (e.g. `groups`). */
  scope: string;
};

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no', '']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const fields = z.object({
  ISSUER: z.url({ protocol: /^https?$/ }),
  CLIENT_ID: z.string().min(1),
  CLIENT_SECRET: z.string().min(1),
  NAME: z.string().trim().min(1).max(60).optional(),
  AUTO_CREATE: bool.optional(),
  ROLE_CLAIM: z.string().trim().min(1).max(200).optional(),
  ROLE_MAP: z.string().optional(),
  SCOPES: z
    .string()
    .trim()
    .regex(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, 'space-separated scope names')
    .optional(),
});

/**
 * Every provider the settings configure: `OIDC_ISSUER` (with `OIDC_CLIENT_ID`, …) is the first,
 * `OIDC_2_ISSUER`, `OIDC_3_ISSUER`, … any further ones, each with its own settings under its own
 * prefix (nothing is inherited: a mapping written for one provider's groups never applies to
 * another's). A provider is configured when its ISSUER is set; a bad setting throws, naming it.
 */
export function oidcProviderSettings(vars: Record<string, string | undefined> = process.env): OidcProviderSettings[] {
  const numbers = Object.keys(vars)
    .map((k) => /^OIDC_([1-9]\d{0,2})_ISSUER$/.exec(k)?.[1])
    .filter((n): n is string => !!n && !!vars[`OIDC_${n}_ISSUER`])
    .map(Number)
    .sort((a, b) => a - b);
  const prefixes = [...(vars.OIDC_ISSUER ? ['OIDC_'] : []), ...numbers.map((n) => `OIDC_${n}_`)];
  return prefixes.map((prefix) => {
    const read = (name: keyof z.infer<typeof fields>) => {
      const v = vars[prefix + name];
      return v === '' && name !== 'AUTO_CREATE' ? undefined : v;
    };
    const parsed = fields.safeParse(Object.fromEntries(fields.keyof().options.map((k) => [k, read(k)])));
    if (!parsed.success) {
      throw new Error(`Invalid settings:\n${parsed.error.issues.map((i) => `  ${prefix}${i.path.join('.')}: ${i.message}`).join('\n')}`);
    }
    let roleMap: RoleMap;
    try {
      roleMap = parseRoleMap(parsed.data.ROLE_MAP);
    } catch (err) {
      throw new Error(`Invalid settings:\n  ${prefix}ROLE_MAP: ${(err as Error).message}`);
    }
    const n = prefix === 'OIDC_' ? '' : prefix.slice(5, -1);
    return {
      id: n ? `oidc-${n}` : 'oidc',
      prefix,
      name: parsed.data.NAME ?? new URL(parsed.data.ISSUER).host,
      issuer: parsed.data.ISSUER,
      clientId: parsed.data.CLIENT_ID,
      clientSecret: parsed.data.CLIENT_SECRET,
      autoCreate: parsed.data.AUTO_CREATE ?? false,
      roleClaim: parsed.data.ROLE_CLAIM ?? 'groups',
      roleMap,
      scope: scopes(parsed.data.SCOPES),
    };
  });
}

let cached: OidcProviderSettings[] | undefined;

/** The process's providers, read once (start-up reads them first, so a bad setting stops it). */
export function oidcProviders(): OidcProviderSettings[] {
  cached ??= oidcProviderSettings();
  return cached;
}

/** `openid` is always asked for: without it there is no ID token. */
function scopes(setting: string | undefined): string {
  const list = (setting ?? 'openid email profile').split(' ');
  return [...new Set(['openid', ...list])].join(' ');
}
