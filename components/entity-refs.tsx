import Link from 'next/link';
import type { Names } from '@/lib/org/names';
import { CopyButton } from './copy-button';

// Underlined: these links also sit inside running text, where colour alone must not mark them.
const linkClass =
  'text-indigo-600 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-600 dark:text-indigo-400 dark:decoration-indigo-700';

/** An agent by name, linking to its page, with its full id one click from the clipboard. */
export function AgentRef({
  id,
  names,
  name,
  copy = true,
}: {
  id: string | null | undefined;
  names?: Names;
  name?: string | null;
  copy?: boolean;
}) {
  if (!id) return <>—</>;
  const shown = name ?? names?.agents[id] ?? `agent ${id.slice(0, 8)} (removed)`;
  return (
    <span className="inline-flex items-center gap-1.5 whitespace-nowrap">
      <Link prefetch={false} className={linkClass} href={`/agents/${id}`}>
        {shown}
      </Link>
      {copy && <CopyButton value={id} label={`Copy id of agent ${shown}`} />}
    </span>
  );
}

/** A department by name, linking to its page; the slug is its id, shown on hover. */
export function DepartmentRef({ id, names, name }: { id: string | null | undefined; names?: Names; name?: string | null }) {
  if (!id) return <>—</>;
  return (
    <Link prefetch={false} className={linkClass} href={`/departments/${id}`} title={id}>
      {name ?? names?.departments[id] ?? id}
    </Link>
  );
}
