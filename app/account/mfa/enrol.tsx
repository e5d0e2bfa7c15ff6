'use client';

import { useActionState, useState } from 'react';
import type { ActionState } from '@/app/_lib/action';
import { CopyButton } from '@/components/copy-button';
import { DownloadText } from '@/components/download-text';
import { confirmEnrolmentAction, startEnrolmentAction, type Enrolment } from './actions';

const recoveryFile = (codes: string[]) =>
  ['Enterprise Coordination System: MFA recovery codes', 'Each code works once, instead of a code from your app.', '', ...codes, ''].join(
    '\n',
  );

export function MfaEnrolment() {
  // Cancelling starts the steps afresh: nothing was turned on before a code is confirmed.
  const [round, setRound] = useState(0);
  return <EnrolmentSteps key={round} onCancel={() => setRound((r) => r + 1)} />;
}

function EnrolmentSteps({ onCancel }: { onCancel: () => void }) {
  const [started, start, starting] = useActionState<ActionState, FormData>(startEnrolmentAction, {});
  const [confirmed, confirm, confirming] = useActionState<ActionState, FormData>(confirmEnrolmentAction, {});
  const e = started.data as Enrolment | undefined;
  if (confirmed.ok)
    return (
      <p role="status" className="card text-emerald-700 dark:text-emerald-400">
        {confirmed.ok}
      </p>
    );
  if (!e)
    return (
      <form action={start} className="card space-y-3">
        <p className="text-sm">Use an authenticator app (any TOTP app). You&apos;ll scan a QR code, then type one code to confirm.</p>
        <button type="submit" className="btn" disabled={starting}>
          {starting ? 'Preparing…' : 'Set up MFA'}
        </button>
        {started.error && (
          <p role="alert" className="text-sm text-red-600">
            {started.error}
          </p>
        )}
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
          <div className="flex items-start gap-2">
            <code className="block min-w-0 flex-1 break-all rounded bg-slate-100 p-2 dark:bg-slate-800" data-testid="mfa-secret">
              {e.secret}
            </code>
            <CopyButton value={e.secret} label="Copy setup key" text="Copy" />
          </div>
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
        <div className="mt-3 flex gap-2">
          <CopyButton value={e.recoveryCodes.join('\n')} label="Copy recovery codes" text="Copy codes" />
          <DownloadText text={recoveryFile(e.recoveryCodes)} filename="ecs-recovery-codes.txt" label="Download .txt" />
        </div>
      </section>
      <form action={confirm} className="card space-y-3">
        <label htmlFor="mfa-code" className="block text-sm font-medium">
          Code from the app
        </label>
        <input
          id="mfa-code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]{6,7}"
          required
          className="input w-40"
        />
        <button type="submit" className="btn" disabled={confirming}>
          {confirming ? 'Checking…' : 'Turn on MFA'}
        </button>
        {confirmed.error && (
          <p role="alert" className="text-sm text-red-600">
            {confirmed.fields?.code ?? confirmed.error}
          </p>
        )}
      </form>
      {/* Nothing is on until a code is confirmed: leaving here leaves MFA off. */}
      <p className="text-sm">
        <button type="button" onClick={onCancel} className="text-indigo-600 underline dark:text-indigo-400">
          Cancel setup
        </button>{' '}
        (MFA stays off until you confirm a code).
      </p>
    </div>
  );
}
