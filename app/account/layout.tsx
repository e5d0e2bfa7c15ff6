import Link from 'next/link';
import { requireEnrollingPrincipal } from '@/app/_lib/session';

export const dynamic = 'force-dynamic';

/** Outside the console shell: a user whose role must use MFA lands here before anything else. */
export default async function AccountLayout({ children }: { children: React.ReactNode }) {
  const principal = await requireEnrollingPrincipal();
  return (
    <main className="mx-auto max-w-2xl space-y-6 p-6">
      <header className="flex items-center justify-between text-sm">
        <Link href="/" className="font-bold tracking-tight">ECS Console</Link>
        <span data-testid="current-user">{principal.name}</span>
      </header>
      {children}
    </main>
  );
}
