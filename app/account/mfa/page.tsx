import Link from 'next/link';
import { getDb } from '@/db/client';
import { myMfaStatus } from '@/lib/security/mfa-policy';
import { env } from '@/lib/env';
import { requireEnrollingPrincipal } from '@/app/_lib/session';
import { MfaEnrolment } from './enrol';

export default async function MfaPage({ searchParams }: { searchParams: Promise<{ required?: string }> }) {
  const principal = await requireEnrollingPrincipal();
  const db = getDb();
  const { enrolled, required } = await myMfaStatus(db, principal);
  const { required: redirected } = await searchParams;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Two-factor sign-in</h1>
      {redirected && required && !enrolled && (
        <p role="alert" className="card border-amber-300 text-sm text-amber-800 dark:text-amber-300">
          Your role ({principal.role}) must use MFA. Set it up to continue to the console.
        </p>
      )}
      {!env().ENABLE_MFA ? (
        <p className="card text-sm">MFA is switched off on this server (ENABLE_MFA=false).</p>
      ) : enrolled ? (
        <p className="card text-sm">
          MFA is on for your account. Lost your device? Ask an administrator to reset it.{' '}
          <Link href="/" className="text-indigo-600 underline">
            Back to the console
          </Link>
        </p>
      ) : (
        <MfaEnrolment />
      )}
    </div>
  );
}
