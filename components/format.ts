/** A 0..1 share as a percentage with one decimal; '—' when there is nothing to measure yet. */
export const percent = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
