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

declare module 'next-auth' {
  interface Session {
    user: { id: string; role: string; username: string; sv: number; sid: string } & DefaultSession['user'];
  }
  interface User {
    role?: string;
    username?: string;
    sessionVersion?: number;
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
  pages: { signIn: '/login' },
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
    async jwt({ token, user }) {
      if (user?.id) {
        token.uid = user.id;
        token.sid = await startConsoleSession(getDb(), user.id);
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
