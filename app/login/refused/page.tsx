import Link from 'next/link';
import type { SsoRefusal } from '@/lib/auth/oidc/sign-in';

export const dynamic = 'force-dynamic';

/** Why single sign-on did not let the user in (lib/auth/oidc/sign-in.ts), in words for them. */
const reasons: Record<SsoRefusal, string> = {
  'unknown-user':
    'Your identity provider knows you, but this system has no account for you. Ask an administrator to create one (with your e-mail address as the username) or to allow accounts to be created on first sign-in.',
  'not-mapped':
    'Your identity provider does not put you in any group this system gives access to. Ask an administrator to add you to a group that is mapped to a role.',
  'unknown-department': 'The group mapping names a department that does not exist here. Ask an administrator to fix the mapping.',
  'no-username':
    'Your identity provider sent neither a verified e-mail address nor a usable username, so no account could be made for you.',
  'username-taken':
    'An account with your username exists already and is not linked to this identity provider. Ask an administrator to link it (give the account your verified e-mail address as its username).',
  'email-linked-elsewhere': 'The account with your e-mail address is linked to another identity at this provider. Ask an administrator.',
  disabled: 'Your account is disabled. Ask an administrator.',
  'invalid-claims': 'Your identity provider did not say who you are. Try again, or ask an administrator.',
};

/** Auth.js's own error codes (provider unreachable, sign-in cancelled or expired). */
const errors: Record<string, string> = {
  AccessDenied: 'Sign-in was refused.',
  Verification: 'The sign-in link or request has expired. Start again.',
  Configuration:
    'Single sign-on could not be completed: the identity provider did not answer as expected. Try again, or sign in with your password.',
};

export default async function SsoRefusedPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  const message =
    (sp.reason && sp.reason in reasons ? reasons[sp.reason as SsoRefusal] : undefined) ??
    (sp.error ? (errors[sp.error] ?? errors.Configuration) : 'Sign-in was refused.');
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="card w-full max-w-sm space-y-4">
        <h1 className="text-xl font-semibold">Single sign-on refused</h1>
        <p role="alert" className="text-sm" data-testid="sso-refusal">
          {message}
        </p>
        <Link href="/login" className="btn w-full justify-center">
          Back to sign-in
        </Link>
      </div>
    </main>
  );
}
