'use client';

import { useEffect, useRef, useState, type ReactNode } from 'react';

type DataAttributes = { [name: `data-${string}`]: string | undefined };
export type LiveCell = { node: ReactNode; className?: string; title?: string };
export type LiveRow = { key: string; cells: LiveCell[]; data?: DataAttributes };

// Beyond this the list's top, where new rows land, is out of sight: hold the order.
const SCROLLED_PX = 40;

/**
 * A live list that doesn't move under its reader: rows update in place by key, and while the
 * pointer or focus is in the table, or the page is scrolled down, new rows wait behind an
 * "N new — show" bar instead of pushing the rows being read out of place.
 */
export function LiveTable({
  head,
  rows,
  testId,
}: {
  head: { node: ReactNode; className?: string; ariaSort?: 'ascending' | 'descending' }[];
  rows: LiveRow[];
  testId?: string;
}) {
  // The rows on screen when the reader started reading; null = follow the server's order.
  const [held, setHeld] = useState<LiveRow[] | null>(null);
  const inside = useRef({ pointer: false, focus: false, scrolled: false });
  const latest = useRef(rows);
  useEffect(() => {
    latest.current = rows;
  }, [rows]);

  const byKey = new Map(rows.map((r) => [r.key, r]));
  // A held row that left the page (finished, filtered out) stays as last seen until released.
  const shown = held ? held.map((r) => byKey.get(r.key) ?? r) : rows;
  const shownKeys = new Set(shown.map((r) => r.key));
  const waiting = held ? rows.filter((r) => !shownKeys.has(r.key)).length : 0;

  const engaged = () => inside.current.pointer || inside.current.focus || inside.current.scrolled;
  const hold = () => setHeld((h) => h ?? latest.current);
  const maybeRelease = () => {
    if (!engaged()) setHeld(null);
  };
  const show = () => setHeld(engaged() ? latest.current : null);

  useEffect(() => {
    const onScroll = () => {
      const scrolled = window.scrollY > SCROLLED_PX;
      if (scrolled === inside.current.scrolled) return;
      inside.current.scrolled = scrolled;
      if (scrolled) setHeld((h) => h ?? latest.current);
      else if (!inside.current.pointer && !inside.current.focus) setHeld(null);
    };
    onScroll();
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => window.removeEventListener('scroll', onScroll);
  }, []);

  return (
    // The bar floats over the header row: pushing the table down would move the row being read.
    <div className="relative">
      <div aria-live="polite" className="absolute inset-x-0 top-0 z-10 flex justify-center">
        {waiting > 0 && (
          <button
            type="button"
            onClick={show}
            className="mt-1 rounded-full bg-indigo-600 px-3 py-0.5 text-xs font-medium text-white shadow hover:bg-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400"
            data-testid="live-new-rows"
          >
            {waiting} new — show
          </button>
        )}
      </div>
      <table
        className="table"
        data-testid={testId}
        data-held={held !== null}
        onPointerEnter={() => {
          inside.current.pointer = true;
          hold();
        }}
        onPointerLeave={() => {
          inside.current.pointer = false;
          maybeRelease();
        }}
        onFocus={() => {
          inside.current.focus = true;
          hold();
        }}
        onBlur={(e) => {
          if (e.currentTarget.contains(e.relatedTarget as Node | null)) return;
          inside.current.focus = false;
          maybeRelease();
        }}
      >
        <thead>
          <tr>
            {head.map((h, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns are a fixed list; the position is their identity
              <th key={i} scope="col" className={h.className} aria-sort={h.ariaSort}>
                {h.node}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={row.key} data-row-key={row.key} {...row.data}>
              {row.cells.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are a fixed list; the position is their identity
                <td key={i} className={c.className} title={c.title}>
                  {c.node}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
