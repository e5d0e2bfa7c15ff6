import { redirect } from 'next/navigation';
import { auth, signOut } from '@/app/auth';
import { VerifyForm } from './verify-form';

export const dynamic = 'force-dynamic';

/** After single sign-on without MFA from the provider, an enrolled user gives their code here. */
export default async function VerifyPage() {
  const session = await auth();
  if (!session?.user?.id) redirect('/login');
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="card w-full max-w-sm">
        <h1 className="mb-1 text-xl font-semibold">One more step</h1>
        <p className="mb-6 text-sm text-slate-500 dark:text-slate-400">
          Your identity provider signed you in without a second factor. Enter the code from your authenticator app.
        </p>
        <VerifyForm />
        <form
          className="mt-4 text-center"
          action={async () => {
            'use server';
            await signOut({ redirectTo: '/login' });
          }}
        >
          <button type="submit" className="text-sm text-indigo-600 underline dark:text-indigo-400">
            Cancel and sign out
          </button>
        </form>
      </div>
    </main>
  );
}
