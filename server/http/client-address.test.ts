import { describe, expect, it } from 'vitest';
import { envSchema } from '@/lib/env';
import { clientAddress } from './client-address';

describe('client address behind a proxy', () => {
  it('without TRUST_PROXY a forged X-Forwarded-For is ignored', () => {
    expect(clientAddress('198.51.100.9', '203.0.113.7', undefined)).toBe('198.51.100.9');
  });

  it('a connection from an untrusted address cannot name the client', () => {
    expect(clientAddress('198.51.100.9', '203.0.113.7', ['127.0.0.1', '10.0.0.0/8'])).toBe('198.51.100.9');
  });

  it('from the trusted proxy, the hop it appended is the client, not what the client wrote before it', () => {
    // nginx's $proxy_add_x_forwarded_for: the client's own header, then the address nginx saw.
    expect(clientAddress('10.0.0.5', '203.0.113.7, 192.0.2.44', ['10.0.0.0/8'])).toBe('192.0.2.44');
    expect(clientAddress('::ffff:10.0.0.5', ['203.0.113.7', '192.0.2.44'], ['10.0.0.0/8'])).toBe('192.0.2.44');
  });

  it('a chain of trusted proxies is walked to the first address none of them is', () => {
    expect(clientAddress('10.0.0.5', '203.0.113.7, 192.0.2.44, 10.1.2.3', ['10.0.0.0/8'])).toBe('192.0.2.44');
  });

  it('garbage in the header never becomes the client address', () => {
    expect(clientAddress('10.0.0.5', '203.0.113.7, not-an-ip', ['10.0.0.0/8'])).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', undefined, ['10.0.0.0/8'])).toBe('10.0.0.5');
    expect(clientAddress('::1', '2001:db8::7', ['::1'])).toBe('2001:db8::7');
  });

  it('TRUST_PROXY accepts addresses and CIDR ranges and refuses anything else', () => {
    expect(envSchema.parse({ TRUST_PROXY: '127.0.0.1, ::1,172.16.0.0/12' }).TRUST_PROXY).toEqual(['127.0.0.1', '::1', '172.16.0.0/12']);
    expect(envSchema.parse({ TRUST_PROXY: '' }).TRUST_PROXY).toBeUndefined();
    for (const bad of ['true', 'nginx', '10.0.0.0/33', '::1/129', '10.0.0.1/8/2', ','])
      expect(envSchema.safeParse({ TRUST_PROXY: bad }).success, bad).toBe(false);
  });
});
