import { safeCallbackPath } from '@/app/_lib/safe-callback';
import { LoginForm } from './login-form';
import { SsoButtons } from './sso-buttons';

export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  const next = safeCallbackPath(sp.callbackUrl);
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="card w-full max-w-sm">
        <h1 className="mb-1 text-xl font-semibold">Enterprise Coordination System</h1>
        <p className="mb-6 text-sm text-slate-500 dark:text-slate-400">Sign in to the console.</p>
        <LoginForm next={next} notice={sp.expired ? 'Your session ended. Sign in again.' : undefined} />
        <SsoButtons next={next} />
      </div>
    </main>
  );
}
