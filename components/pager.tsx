import Link from 'next/link';

/** Keyset pagination: "Next" carries the cursor; "First page" drops it. */
export function Pager({
  basePath,
  params,
  nextCursor,
}: {
  basePath: string;
  params: Record<string, string | undefined>;
  nextCursor: string | null;
}) {
  const qs = (extra: Record<string, string | undefined>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...params, ...extra })) if (v) p.set(k, v);
    const s = p.toString();
    return s ? `${basePath}?${s}` : basePath;
  };
  return (
    <nav aria-label="Pagination" className="mt-3 flex gap-3 text-sm">
      {params.cursor && (
        <Link prefetch={false} className="btn-secondary" href={qs({ cursor: undefined })}>
          First page
        </Link>
      )}
      {nextCursor && (
        <Link prefetch={false} className="btn-secondary" href={qs({ cursor: nextCursor })}>
          Next page
        </Link>
      )}
    </nav>
  );
}
