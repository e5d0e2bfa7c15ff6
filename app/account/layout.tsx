import Link from 'next/link';
import { requireEnrollingPrincipal } from '@/app/_lib/session';

export const dynamic = 'force-dynamic';

/** Outside the console shell: a user whose role must use MFA lands here before anything else. */
export default async function AccountLayout({ children }: { children: React.ReactNode }) {
  const principal = await requireEnrollingPrincipal();
  return (
    <main className="mx-auto max-w-2xl space-y-6 p-6">
      <header className="flex items-center justify-between text-sm">
        <Link href="/" className="font-bold tracking-tight">
          ECS Console
        </Link>
        <span className="flex items-center gap-4">
          <Link href="/" className="text-indigo-600 underline dark:text-indigo-400">
            Back to the console
          </Link>
          <span data-testid="current-user">{principal.name}</span>
        </span>
      </header>
      {children}
    </main>
  );
}
