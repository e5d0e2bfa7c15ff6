import { authenticator } from 'otplib';
import { describe, expect, it } from 'vitest';
import { totpStep } from './mfa';

describe('TOTP settings', () => {
  it('accept a code of the step before or after, without changing otplib for anyone else', () => {
    const secret = authenticator.generateSecret(20);
    const now = Date.UTC(2026, 11, 7, 12, 0, 15);
    const step = Math.floor(now / 30_000);
    const code = (s: number) => authenticator.clone({ epoch: s * 30_000 }).generate(secret);
    expect(totpStep(code(step), secret, now)).toBe(step);
    expect(totpStep(code(step - 1), secret, now)).toBe(step - 1);
    expect(totpStep(code(step + 1), secret, now)).toBe(step + 1);
    expect(totpStep(code(step - 2), secret, now)).toBeNull();
    // The shared instance keeps otplib's default (no window).
    expect(authenticator.allOptions().window).toBe(0);
  });
});
