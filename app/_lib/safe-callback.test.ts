import { describe, expect, it } from 'vitest';
import { safeCallbackPath } from './safe-callback';

describe('the after-login destination', () => {
  it('keeps a path on this site with its query', () => {
    expect(safeCallbackPath('/tasks')).toBe('/tasks');
    expect(safeCallbackPath('/tasks?status=dead')).toBe('/tasks?status=dead');
    expect(safeCallbackPath('/departments/legal#agents')).toBe('/departments/legal#agents');
  });

  it('refuses anything that leaves the site', () => {
    for (const evil of [
      '//evil.com',
      'https://evil.com',
      'https://evil.com/tasks',
      '/\\evil.com',
      '/\t/evil.com',
      '\\\\evil.com',
      'javascript:alert(1)',
      'evil.com/x',
      '/%0a/evil.com',
    ])
      expect(new URL(safeCallbackPath(evil), 'http://console.test').origin, evil).toBe('http://console.test');
    expect(safeCallbackPath('//evil.com')).toBe('/');
    expect(safeCallbackPath('https://evil.com')).toBe('/');
    expect(safeCallbackPath('/\\evil.com')).toBe('/');
  });

  it('falls back to the overview when there is none or it is the login page', () => {
    expect(safeCallbackPath(undefined)).toBe('/');
    expect(safeCallbackPath('')).toBe('/');
    expect(safeCallbackPath('/login?callbackUrl=/tasks')).toBe('/');
  });
});
