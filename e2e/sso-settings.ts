// Single sign-on settings shared by the server under test (playwright.config.ts) and the test
// provider (e2e/oidc-test-provider.ts): two providers at one issuer, the first creating accounts.
const appPort = Number(process.env.E2E_PORT ?? 3210);
export const oidcTestPort = Number(process.env.E2E_OIDC_PORT ?? appPort + 10000);
export const oidcTestIssuer = `http://127.0.0.1:${oidcTestPort}`;

export const oidcTestClients = [
  { prefix: 'OIDC_', id: 'oidc', name: 'Test IdP', clientId: 'ecs-e2e', clientSecret: 'e2e-client-secret-one', autoCreate: true },
  {
    prefix: 'OIDC_2_',
    id: 'oidc-2',
    name: 'Partner IdP',
    clientId: 'ecs-e2e-partner',
    clientSecret: 'e2e-client-secret-two',
    autoCreate: false,
  },
].map((c) => ({ ...c, redirectUri: `http://localhost:${appPort}/api/auth/callback/${c.id}` }));

export const oidcTestRoleMap = { 'ecs-auditors': { role: 'auditor' }, eng: { role: 'readonly', departments: ['engineering'] } };

/** The OIDC_* settings for the server under test. */
export function oidcTestEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of oidcTestClients) {
    Object.assign(out, {
      [`${c.prefix}ISSUER`]: oidcTestIssuer,
      [`${c.prefix}CLIENT_ID`]: c.clientId,
      [`${c.prefix}CLIENT_SECRET`]: c.clientSecret,
      [`${c.prefix}NAME`]: c.name,
      [`${c.prefix}AUTO_CREATE`]: String(c.autoCreate),
      [`${c.prefix}ROLE_CLAIM`]: 'groups',
      [`${c.prefix}ROLE_MAP`]: JSON.stringify(oidcTestRoleMap),
    });
  }
  return out;
}
