import { describe, expect, it } from 'vitest';
import { formatFull, formatRelative, formatTick, formatTime } from './time';

const LA = { timeZone: 'America/Los_Angeles' };
const at = '2026-12-07T21:35:16Z';

describe('the console clock', () => {
  it('shows a time of today in the viewer zone with the zone named', () => {
    expect(formatTime(at, { ...LA, now: new Date('2026-12-07T22:00:00Z') })).toBe('13:35:16 PST');
    expect(formatTime(at, { timeZone: 'Europe/Berlin', now: new Date('2026-12-07T22:00:00Z') })).toBe('22:35:16 GMT+1');
  });

  it('adds the date for another day, and the year for another year, judged in the viewer zone', () => {
    // 21:35 UTC on Dec 7 is still Dec 7 in Los Angeles but Dec 8 in Tokyo.
    expect(formatTime(at, { ...LA, now: new Date('2026-12-08T12:00:00Z') })).toBe('Dec 7, 13:35:16 PST');
    expect(formatTime(at, { ...LA, now: new Date('2027-01-02T12:00:00Z') })).toBe('Dec 7 2026, 13:35:16 PST');
    expect(formatFull(at, { timeZone: 'Asia/Tokyo' })).toBe('Dec 8 2026, 06:35:16 GMT+9');
  });

  it('never prints midnight as 24', () => {
    expect(formatFull('2026-12-07T08:05:00Z', LA)).toBe('Dec 7 2026, 00:05:00 PST');
    expect(formatTick('2026-12-07T08:05:00Z', 60 * 60_000, LA)).toBe('00:05');
  });

  it('gives relative times in words', () => {
    const now = new Date(at);
    expect(formatRelative(new Date(now.getTime() - 3 * 60_000 - 5000), now)).toBe('3 min ago');
    expect(formatRelative(new Date(now.getTime() + 2 * 3_600_000), now)).toBe('in 2 h');
    expect(formatRelative(now, now)).toBe('just now');
  });

  it('puts dates on day-long chart axes and seconds on live ones', () => {
    expect(formatTick(at, 24 * 3_600_000, LA)).toBe('Dec 7 13:35');
    expect(formatTick(at, 60 * 60_000, LA)).toBe('13:35');
    expect(formatTick(at, 60_000, LA)).toBe('13:35:16');
  });

  it('shows a dash for what is not a time', () => {
    expect(formatTime('not a date')).toBe('—');
  });
});
