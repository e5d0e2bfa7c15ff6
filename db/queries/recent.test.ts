import { describe, expect, it, vi } from 'vitest';
import { recentRows } from './recent';

describe('recentRows', () => {
  it('answers from memory within the TTL, reloads after it or after forget, and never keeps a miss', async () => {
    vi.useFakeTimers();
    try {
      const rows = recentRows<{ v: number }>(1000, 10);
      let loads = 0;
      const load = async () => ({ v: ++loads });
      expect(await rows.get('a', load)).toEqual({ v: 1 });
      expect(await rows.get('a', load)).toEqual({ v: 1 });
      vi.advanceTimersByTime(1001);
      expect(await rows.get('a', load)).toEqual({ v: 2 });
      rows.forget('a');
      expect(await rows.get('a', load)).toEqual({ v: 3 });
      expect(await rows.get('gone', async () => undefined)).toBeUndefined();
      expect(await rows.get('gone', load)).toEqual({ v: 4 });
    } finally {
      vi.useRealTimers();
    }
  });
});
