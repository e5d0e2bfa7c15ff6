'use client';

import { useActionState } from 'react';
import type { ActionState } from '@/app/_lib/action';
import { confirmEnrolmentAction, startEnrolmentAction, type Enrolment } from './actions';

export function MfaEnrolment() {
  const [started, start, starting] = useActionState<ActionState, FormData>(startEnrolmentAction, {});
  const [confirmed, confirm, confirming] = useActionState<ActionState, FormData>(confirmEnrolmentAction, {});
  const e = started.data as Enrolment | undefined;
  if (confirmed.ok) return <p role="status" className="card text-emerald-700 dark:text-emerald-400">{confirmed.ok}</p>;
  if (!e)
    return (
      <form action={start} className="card space-y-3">
        <p className="text-sm">Use an authenticator app (any TOTP app). You&apos;ll scan a QR code, then type one code to confirm.</p>
        <button className="btn" disabled={starting}>{starting ? 'Preparing…' : 'Set up MFA'}</button>
        {started.error && <p role="alert" className="text-sm text-red-600">{started.error}</p>}
      </form>
    );
  return (
    <div className="space-y-4">
      <section className="card grid gap-4 sm:grid-cols-[12rem_1fr]">
        {/* Our own SVG, drawn on the server from the otpauth URI: no third party sees the secret. */}
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: the SVG comes from qrcode on our server, never from input */}
        <div className="rounded bg-white p-2" data-testid="mfa-qr" dangerouslySetInnerHTML={{ __html: e.qr }} />
        <div className="space-y-2 text-sm">
          <p>Scan the code, or enter this key by hand:</p>
          <code className="block break-all rounded bg-slate-100 p-2 dark:bg-slate-800" data-testid="mfa-secret">{e.secret}</code>
        </div>
      </section>
      <section className="card">
        <h2 className="mb-2 font-semibold">Recovery codes</h2>
        <p className="mb-2 text-sm">Each works once instead of a code. They are shown only now: store them safely.</p>
        <ul className="grid grid-cols-2 gap-1 font-mono text-sm" data-testid="recovery-codes">
          {e.recoveryCodes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      </section>
      <form action={confirm} className="card space-y-3">
        <label htmlFor="mfa-code" className="block text-sm font-medium">Code from the app</label>
        <input id="mfa-code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,7}" required className="input w-40" />
        <button className="btn" disabled={confirming}>{confirming ? 'Checking…' : 'Turn on MFA'}</button>
        {confirmed.error && <p role="alert" className="text-sm text-red-600">{confirmed.error}</p>}
      </form>
    </div>
  );
}
