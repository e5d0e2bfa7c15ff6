import { beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { signToken, verifyToken } from './jwt';
import { derivedKey } from './secret';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const forge = (header: unknown, payload: unknown, purpose = 'access') => {
  const head = `${b64(header)}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', derivedKey(purpose)).update(head).digest('base64url')}`;
};
const soon = () => Math.floor(Date.now() / 1000) + 60;

describe('verifyToken', () => {
  beforeAll(() => {
    process.env.AUTH_SECRET ??= 'x'.repeat(48);
  });

  it('accepts a token it signed, of the kind asked for', async () => {
    const token = await signToken({ sub: 'u1', typ: 'access', sv: 3 }, 60);
    await expect(verifyToken(token, 'access')).resolves.toMatchObject({ sub: 'u1', typ: 'access', sv: 3 });
  });

  it('refuses another kind, a changed payload or signature, alg none, no expiry and an expired token', async () => {
    const agent = await signToken({ sub: 'a1', typ: 'agent', dept: 'it' }, 60);
    await expect(verifyToken(agent, 'access')).rejects.toMatchObject({ status: 401 });
    const good = await signToken({ sub: 'u1', typ: 'access', sv: 1 }, 60);
    const [h, , s] = good.split('.');
    await expect(verifyToken(`${h}.${b64({ sub: 'admin', typ: 'access', sv: 1, exp: soon() })}.${s}`, 'access')).rejects.toMatchObject({
      status: 401,
    });
    await expect(verifyToken(`${good.slice(0, -2)}AA`, 'access')).rejects.toMatchObject({ status: 401 });
    await expect(verifyToken(`${b64({ alg: 'none' })}.${b64({ sub: 'u1', typ: 'access', exp: soon() })}.`, 'access')).rejects.toMatchObject(
      { status: 401 },
    );
    await expect(verifyToken(forge({ alg: 'HS256' }, { sub: 'u1', typ: 'access', sv: 1 }), 'access')).rejects.toMatchObject({
      status: 401,
    });
    await expect(verifyToken(forge({ alg: 'HS256' }, { sub: 'u1', typ: 'access', sv: 1, exp: 1 }), 'access')).rejects.toMatchObject({
      status: 401,
      detail: 'Token expired',
    });
    await expect(verifyToken(forge({ alg: 'HS256' }, { sub: 'u1', typ: 'access', sv: 1, exp: soon() }), 'access')).resolves.toMatchObject({
      sub: 'u1',
    });
    await expect(verifyToken('not-a-token', 'access')).rejects.toMatchObject({ status: 401 });
    await expect(verifyToken(`${b64([1])}.${b64('x')}.zz`, 'access')).rejects.toMatchObject({ status: 401 });
  });

  it('checks expiry and kind on every call, and forgets signatures when the secret changes', async () => {
    const token = forge({ alg: 'HS256' }, { sub: 'u2', typ: 'access', sv: 1, exp: Math.floor(Date.now() / 1000) + 2 });
    await expect(verifyToken(token, 'access')).resolves.toMatchObject({ sub: 'u2' });
    await expect(verifyToken(token, 'agent')).rejects.toMatchObject({ status: 401 });
    const later = Date.now() + 3000;
    const realNow = Date.now;
    Date.now = () => later;
    try {
      await expect(verifyToken(token, 'access')).rejects.toMatchObject({ status: 401, detail: 'Token expired' });
    } finally {
      Date.now = realNow;
    }
    const lasting = await signToken({ sub: 'u3', typ: 'access', sv: 1 }, 60);
    await expect(verifyToken(lasting, 'access')).resolves.toMatchObject({ sub: 'u3' });
    const secret = process.env.AUTH_SECRET;
    process.env.AUTH_SECRET = 'y'.repeat(48);
    try {
      await expect(verifyToken(lasting, 'access')).rejects.toMatchObject({ status: 401 });
    } finally {
      process.env.AUTH_SECRET = secret;
    }
    await expect(verifyToken(lasting, 'access')).resolves.toMatchObject({ sub: 'u3' });
  });

  it('refuses a signature spelled another way: a changed last character, standard base64, padding', async () => {
    const token = await signToken({ sub: 'u4', typ: 'access', sv: 1 }, 60);
    const [h, p, sig] = token.split('.');
    // 32 bytes in 43 characters: the last one carries 2 unused bits, so 4 spellings decode alike.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(sig.at(-1)!);
    const sibling = alphabet[(last & ~3) | ((last + 1) & 3)];
    expect(Buffer.from(`${sig.slice(0, -1)}${sibling}`, 'base64url').equals(Buffer.from(sig, 'base64url'))).toBe(true);
    await expect(verifyToken(`${h}.${p}.${sig.slice(0, -1)}${sibling}`, 'access')).rejects.toMatchObject({ status: 401 });
    const standard = Buffer.from(sig, 'base64url').toString('base64');
    await expect(verifyToken(`${h}.${p}.${standard}`, 'access')).rejects.toMatchObject({ status: 401 });
    await expect(verifyToken(`${h}.${p}.${sig}=`, 'access')).rejects.toMatchObject({ status: 401 });
    await expect(verifyToken(token, 'access')).resolves.toMatchObject({ sub: 'u4' });
  });
});
