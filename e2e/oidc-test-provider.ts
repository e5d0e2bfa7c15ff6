// A real OpenID Connect provider (the oidc-provider package) on 127.0.0.1 for the single sign-on
// spec. Its login page asks only for an account name; each account's claims, and whether the
// "login" counts as MFA (amr), are fixed below. Never for anything but tests.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import Provider, { type Configuration } from 'oidc-provider';
import { oidcTestClients, oidcTestIssuer, oidcTestPort } from './sso-settings';

type TestAccount = { claims: Record<string, unknown>; amr?: string[] };

/** Account name → what the provider says about it. */
export const testAccounts: Record<string, TestAccount> = {
  ada: { claims: { email: 'ada@example.test', email_verified: true, name: 'Ada', groups: ['eng'] } },
  sam: { claims: { email: 'sam@example.test', email_verified: true, name: 'Sam', groups: ['sales'] } },
  nina: { claims: { email: 'nina@example.test', email_verified: true, name: 'Nina', groups: ['eng'] } },
  mia: { claims: { email: 'mia@example.test', email_verified: true, name: 'Mia', groups: ['ecs-auditors'] }, amr: ['pwd', 'mfa'] },
  erin: { claims: { email: 'erin@example.test', email_verified: true, name: 'Erin', groups: ['eng'] }, amr: ['pwd'] },
  max: { claims: { email: 'max@example.test', email_verified: true, name: 'Max', groups: ['ecs-auditors'] }, amr: ['pwd'] },
};

const page = (body: string) => `<!doctype html><html><head><title>Test IdP</title></head><body>${body}</body></html>`;

export async function startTestProvider(): Promise<{ close: () => Promise<void> }> {
  const configuration: Configuration = {
    clients: oidcTestClients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: [c.redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    })),
    async findAccount(_ctx, id) {
      const account = testAccounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account.claims }) };
    },
    // amr with the openid scope: oidc-provider puts it in the ID token only when a scope names it.
    claims: { openid: ['sub', 'amr'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    // Scope claims in the ID token (Auth.js reads the ID token), as most enterprise providers do.
    conformIdTokenClaims: false,
    cookies: { keys: ['e2e-only-cookie-key'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // Consent is implied: every client here is first-party.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(oidcTestIssuer, configuration);
  const callback = provider.callback();
  const server: Server = createServer(async (req, res) => {
    const m = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url ?? '');
    if (!m) return callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (req.method === 'POST' && m[2]) {
        const name = new URLSearchParams(await body(req)).get('account') ?? '';
        const account = testAccounts[name];
        if (!account) {
          res.writeHead(200, { 'content-type': 'text/html' }).end(page('<p>Unknown account</p>'));
          return;
        }
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: name, ...(account.amr ? { amr: account.amr } : {}) } },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          page(
            `<h1>Test IdP</h1><form method="post" action="/interaction/${details.uid}/login"><label for="account">Account</label><input id="account" name="account" autofocus><button type="submit">Continue</button></form>`,
          ),
        );
    } catch (err) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(String(err));
    }
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(oidcTestPort, '127.0.0.1', () => resolve()));
  return { close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}
