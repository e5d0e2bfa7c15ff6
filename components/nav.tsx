'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';

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
  { href: '/security', label: 'Security' },
  { href: '/users', label: 'Users' },
  { href: '/tokens', label: 'API tokens' },
  { href: '/portal', label: 'Portal' },
  { href: '/docs/api', label: 'API' },
];

/** Shown only to roles that manage webhooks (department admins, super-admins). */
const webhooksItem = { href: '/webhooks', label: 'Webhooks' };

export function Nav({ webhooks = false }: { webhooks?: boolean }) {
  const path = usePathname();
  const router = useRouter();
  const shown = webhooks ? items.flatMap((i) => (i.href === '/alerts' ? [i, webhooksItem] : [i])) : items;
  return (
    <nav aria-label="Main" className="flex gap-1 overflow-x-auto md:flex-col">
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
              active
                ? 'bg-indigo-600 text-white'
                : 'text-slate-700 hover:bg-slate-200 dark:text-slate-300 dark:hover:bg-slate-800'
            }`}
          >
            {i.label}
          </Link>
        );
      })}
    </nav>
  );
}
