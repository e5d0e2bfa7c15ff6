'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';

const items = [
  { href: '/', label: 'Overview' },
  { href: '/departments', label: 'Departments' },
  { href: '/agents', label: 'Agents' },
  { href: '/tasks', label: 'Tasks' },
  { href: '/schedules', label: 'Schedules' },
  { href: '/resources', label: 'Resources' },
  { href: '/bus', label: 'Bus' },
  { href: '/cluster', label: 'Cluster' },
  { href: '/alerts', label: 'Alerts' },
  { href: '/webhooks', label: 'Webhooks' },
  { href: '/security', label: 'Security' },
  { href: '/users', label: 'Users' },
  { href: '/tokens', label: 'API tokens' },
  { href: '/portal', label: 'Portal' },
  { href: '/docs/api', label: 'API' },
];

/** Which way the phone's one-row navigation has more items out of sight. */
function useOverflow() {
  const ref = useRef<HTMLElement>(null);
  const [more, setMore] = useState({ left: false, right: false });
  const measure = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    const left = el.scrollLeft > 2;
    const right = el.scrollLeft + el.clientWidth < el.scrollWidth - 2;
    setMore((m) => (m.left === left && m.right === right ? m : { left, right }));
  }, []);
  useEffect(() => {
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, [measure]);
  return { ref, more, measure };
}

/**
 * `sections`: the hrefs the user's role may open, in the order to show them (lib/permissions/console-pages.ts
 * decides); the rest are left out.
 */
export function Nav({ sections }: { sections: readonly string[] }) {
  const path = usePathname();
  const router = useRouter();
  const { ref, more, measure } = useOverflow();
  // The active item in view on a phone, where the row scrolls sideways.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs again on each navigation (path) to bring the new active item into view
  useEffect(() => {
    ref.current?.querySelector('[aria-current="page"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    measure();
  }, [path, ref, measure]);
  const shown = sections.flatMap((href) => items.filter((i) => i.href === href));
  const scrollBy = (dx: number) => ref.current?.scrollBy({ left: dx, behavior: 'smooth' });
  return (
    // On a phone the items are one row that scrolls: a fade and an arrow on the side with more say so.
    <div className="relative" data-testid="nav-scroller" data-more-left={more.left} data-more-right={more.right}>
      {more.left && (
        <button
          type="button"
          tabIndex={-1}
          aria-hidden="true"
          onClick={() => scrollBy(-160)}
          className="absolute inset-y-0 left-0 z-10 flex w-10 items-center justify-start bg-gradient-to-r from-white via-white/90 to-transparent pl-0.5 text-slate-600 md:hidden dark:from-slate-900 dark:via-slate-900/90 dark:text-slate-300"
        >
          ‹
        </button>
      )}
      {more.right && (
        <button
          type="button"
          tabIndex={-1}
          aria-hidden="true"
          onClick={() => scrollBy(160)}
          className="absolute inset-y-0 right-0 z-10 flex w-10 items-center justify-end bg-gradient-to-l from-white via-white/90 to-transparent pr-0.5 text-slate-600 md:hidden dark:from-slate-900 dark:via-slate-900/90 dark:text-slate-300"
          data-testid="nav-more-right"
        >
          ›
        </button>
      )}
      <nav ref={ref} onScroll={measure} aria-label="Main" className="flex gap-1 overflow-x-auto md:flex-col">
        {shown.map((i) => {
          const active = i.href === '/' ? path === '/' : path.startsWith(i.href);
          return (
            // Prefetched on intent, not on sight: a live page refreshes every second, and each refresh
            // re-prefetched every visible nav link (a dozen requests a second).
            <Link
              key={i.href}
              href={i.href}
              prefetch={false}
              onMouseEnter={() => router.prefetch(i.href)}
              onFocus={() => router.prefetch(i.href)}
              aria-current={active ? 'page' : undefined}
              className={`whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium ${
                active ? 'bg-indigo-600 text-white' : 'text-slate-700 hover:bg-slate-200 dark:text-slate-300 dark:hover:bg-slate-800'
              }`}
            >
              {i.label}
            </Link>
          );
        })}
      </nav>
    </div>
  );
}
