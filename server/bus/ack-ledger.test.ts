import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Envelope } from '@/lib/bus/envelope';
import { Ledger, Ledgers, type Pending } from './ack-ledger';

const env = (n: number): Envelope => ({ id: `m${n}`, from: { system: true }, type: 't', data: { n }, sentAt: n });
const entry = (seq: number, due = 1000): Pending => ({ seq, env: env(seq), agentId: 'a', attempt: 0, due });

afterEach(() => vi.useRealTimers());

describe('ack ledger', () => {
  it('settles every entry up to the acknowledged seq, in order, and nothing after it', () => {
    const l = new Ledger();
    for (const s of [3, 5, 9, 12]) l.add(entry(s));
    const got: number[] = [];
    expect(l.settle(9, (p) => got.push(p.seq))).toBe(3);
    expect(got).toEqual([3, 5, 9]);
    expect(l.settle(9, () => got.push(-1))).toBe(0);
    expect(l.size).toBe(1);
    expect(l.takeAll().map((p) => p.seq)).toEqual([12]);
    expect(l.size).toBe(0);
  });

  it('expires only entries past their due time', () => {
    const l = new Ledger();
    l.add(entry(1, 100));
    l.add(entry(2, 200));
    l.add(entry(3, 300));
    const got: number[] = [];
    l.expire(200, (p) => got.push(p.seq));
    expect(got).toEqual([1, 2]);
    expect(l.size).toBe(1);
  });

  it('sweeps every connection on one timer, which stops when the last connection closes', () => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    const ls = new Ledgers(250);
    const expired: number[] = [];
    ls.onExpired = (p) => expired.push(p.seq);
    ls.open('s1').add(entry(1, 1000));
    ls.open('s2').add(entry(2, 2000));
    vi.advanceTimersByTime(1000);
    expect(expired).toEqual([1]);
    vi.advanceTimersByTime(1000);
    expect(expired).toEqual([1, 2]);
    ls.get('s1')!.add(entry(3, 5000));
    expect(ls.close('s1').map((p) => p.seq)).toEqual([3]);
    ls.close('s2');
    expect(vi.getTimerCount()).toBe(0);
  });
});
