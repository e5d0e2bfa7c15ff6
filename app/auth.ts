import NextAuth, { CredentialsSignin, type DefaultSession } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { headers } from 'next/headers';
import { getDb } from '@/db/client';
import { AppError } from '@/lib/errors';
import { authenticate } from '@/lib/auth/login';
import { loginSchema } from '@/lib/auth/schemas';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { endConsoleSignIn, startConsoleSession } from '@/lib/auth/console-sessions';
import { oidcProviders } from '@/lib/auth/oidc/settings';
import { ssoSignIn } from '@/lib/auth/oidc/sign-in';

declare module 'next-auth' {
  interface Session {
    user: { id: string; role: string; username: string; sv: number; sid: string } & DefaultSession['user'];
  }
  interface User {
    role?: string;
    username?: string;
    sessionVersion?: number;
    /** Single sign-on: how the sign-in met the MFA policy (lib/auth/oidc/sign-in.ts). */
    idpMfa?: boolean;
    mfaPending?: boolean;
  }
}

/** The page shows the code; it says what to do next without hinting which field was wrong. */
class LoginRefused extends CredentialsSignin {
  constructor(code: string) {
    super(code);
    this.code = code;
  }
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  secret: process.env.AUTH_SECRET,
  session: { strategy: 'jwt', maxAge: Math.floor(env().TOKEN_EXPIRATION / 1000) },
  // An error in a single sign-on (provider unreachable, cancelled, bad state) shows our page, not Auth.js's.
  pages: { signIn: '/login', error: '/login/refused' },
  // A refused login is expected (and audited in lib/); only real faults belong in the error log.
  logger: {
    error(err) {
      if ((err as { type?: string }).type !== 'CredentialsSignin') log().error({ err }, 'auth error');
    },
  },
  providers: [
    Credentials({
      credentials: { username: {}, password: {}, otp: {} },
      async authorize(credentials) {
        const parsed = loginSchema.safeParse({
          username: credentials.username,
          password: credentials.password,
          otp: credentials.otp ? credentials.otp : undefined,
        });
        if (!parsed.success) throw new LoginRefused('invalid');
        const ip = (await headers()).get('x-ecs-client-ip') ?? undefined;
        try {
          const user = await authenticate(getDb(), parsed.data, { ip, via: 'console' });
          return { id: user.id, name: user.username, username: user.username, role: user.role, sessionVersion: user.sessionVersion };
        } catch (err) {
          if (err instanceof AppError) {
            if (err.status === 423) throw new LoginRefused('locked');
            if (err.status === 429) throw new LoginRefused('rate_limited');
            if (err.extra.mfaRequired) throw new LoginRefused(parsed.data.otp ? 'bad_otp' : 'mfa_required');
            throw new LoginRefused('invalid');
          }
          throw err;
        }
      },
    }),
    // Each configured OpenID Connect provider (lib/auth/oidc/settings.ts): discovery, PKCE, state
    // and nonce, and the ID token's signature are Auth.js's; who the claims sign in as is ours.
    ...oidcProviders().map((p) => ({
      id: p.id,
      name: p.name,
      type: 'oidc' as const,
      issuer: p.issuer,
      clientId: p.clientId,
      clientSecret: p.clientSecret,
      checks: ['pkce' as const, 'state' as const, 'nonce' as const],
      authorization: { params: { scope: p.scope } },
    })),
  ],
  events: {
    // The cookie is a stateless JWT: ending its sign-in row is what makes /api/v1, the console
    // socket and every page refuse a copy of it kept after sign-out.
    async signOut(message) {
      const token = 'token' in message ? message.token : undefined;
      if (typeof token?.sid !== 'string') return;
      await endConsoleSignIn(getDb(), typeof token.uid === 'string' ? token.uid : undefined, token.sid);
    },
  },
  callbacks: {
    // A refused single sign-on goes to a page saying why (audited in lib/); a password sign-in passes.
    async signIn({ user, account, profile }) {
      if (account?.type !== 'oidc') return true;
      const provider = oidcProviders().find((p) => p.id === account.provider);
      if (!provider || !profile) return '/login/refused?reason=invalid-claims';
      const ip = (await headers()).get('x-ecs-client-ip') ?? undefined;
      const result = await ssoSignIn(getDb(), provider, profile as Record<string, unknown>, { ip });
      if (!result.ok) return `/login/refused?reason=${result.reason}`;
      // Auth.js hands this same object to the jwt callback: from here on it is our user.
      Object.assign(user, {
        id: result.user.id,
        name: result.user.username,
        username: result.user.username,
        role: result.user.role,
        sessionVersion: result.user.sessionVersion,
        idpMfa: result.idpMfa,
        mfaPending: result.mfaPending,
      });
      return true;
    },
    async jwt({ token, user }) {
      if (user?.id) {
        token.uid = user.id;
        token.sid = await startConsoleSession(getDb(), user.id, { idpMfa: user.idpMfa, mfaPending: user.mfaPending });
        token.sv = user.sessionVersion;
        token.role = user.role;
        token.username = user.username;
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.uid as string;
      session.user.role = token.role as string;
      session.user.username = token.username as string;
      session.user.sv = token.sv as number;
      session.user.sid = token.sid as string;
      return session;
    },
  },
});
