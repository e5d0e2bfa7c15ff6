import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { assertJsonDepth, fromWebRequest, readJsonBody } from './request';

const nested = (n: number) => {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
};

describe('JSON depth limit', () => {
  // Regression: a 2,000-level task:complete result left the socket event without an answer (fuzz seed 71613).
  it('refuses nesting past 64 levels with 400 and accepts ordinary depth', async () => {
    expect(() => assertJsonDepth(nested(10))).not.toThrow();
    expect(() => assertJsonDepth(nested(2000))).toThrow(AppError);
    const req = new Request('http://localhost/x', { method: 'POST', body: JSON.stringify(nested(500)) });
    await expect(readJsonBody(fromWebRequest(req))).rejects.toMatchObject({ status: 400 });
  });
});
