import Link from 'next/link';
import { Nav } from '@/components/nav';
import { SlashSearch } from '@/components/slash-search';
import { ThemeToggle } from '@/components/theme-toggle';
import { requirePrincipal } from '@/app/_lib/session';
import { signOut } from '@/app/auth';
import { StatusBar } from '@/components/status-bar';
import { checkHealth } from '@/lib/health';
import { openSections } from '@/lib/permissions/console-pages';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  // Sends a user whose role must use MFA, not yet enrolled, to the enrolment page.
  const principal = await requirePrincipal();
  const health = await checkHealth();
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      {/* First tab stop: keyboard and screen-reader users jump past the navigation. */}
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <aside className="border-b border-slate-200 bg-white p-3 md:w-56 md:border-b-0 md:border-r dark:border-slate-800 dark:bg-slate-900">
        <p className="mb-3 px-3 text-sm font-bold tracking-tight">ECS Console</p>
        <Nav sections={openSections(principal)} />
        <SlashSearch />
      </aside>
      {/* min-w-0: a wide table scrolls inside its card instead of widening the page. */}
      <div className="min-w-0 flex-1">
        <StatusBar initial={health} />
        <header className="flex flex-wrap items-center justify-end gap-3 border-b border-slate-200 px-6 py-3 text-sm dark:border-slate-800">
          <span>
            <span className="font-medium" data-testid="current-user">
              {principal.name}
            </span>{' '}
            <span className="text-slate-500 dark:text-slate-400">({principal.role})</span>
          </span>
          <Link href="/account/mfa" prefetch={false} className="text-indigo-600 hover:underline dark:text-indigo-400">
            Two-factor sign-in
          </Link>
          <ThemeToggle />
          <form
            action={async () => {
              'use server';
              await signOut({ redirectTo: '/login' });
            }}
          >
            <button type="submit" className="btn-secondary">
              Sign out
            </button>
          </form>
        </header>
        <main id="main" tabIndex={-1} className="p-6 focus:outline-none">
          {children}
        </main>
      </div>
    </div>
  );
}
