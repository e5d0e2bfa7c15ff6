import { describe, expect, it } from 'vitest';
import { oidcProviderSettings } from './settings';

const first = { OIDC_ISSUER: 'https://idp.example.com/', OIDC_CLIENT_ID: 'ecs', OIDC_CLIENT_SECRET: 's3cret' };

describe('single sign-on settings', () => {
  it('configure no provider without an issuer', () => {
    expect(oidcProviderSettings({})).toEqual([]);
    expect(oidcProviderSettings({ OIDC_ISSUER: '', OIDC_CLIENT_ID: 'x' })).toEqual([]);
  });

  it('read the first provider from OIDC_* with safe defaults: no auto-create, groups claim, empty mapping', () => {
    const [p] = oidcProviderSettings(first);
    expect(p).toMatchObject({
      id: 'oidc',
      name: 'idp.example.com',
      issuer: first.OIDC_ISSUER,
      autoCreate: false,
      roleClaim: 'groups',
      roleMap: {},
      scope: 'openid email profile',
    });
  });

  it('read further providers from OIDC_2_*, OIDC_3_*, each with only its own settings', () => {
    const list = oidcProviderSettings({
      ...first,
      OIDC_AUTO_CREATE: 'true',
      OIDC_ROLE_MAP: '{"eng":{"role":"readonly"}}',
      OIDC_3_ISSUER: 'https://three.example.com',
      OIDC_3_CLIENT_ID: 'c3',
      OIDC_3_CLIENT_SECRET: 's3',
      OIDC_2_ISSUER: 'https://two.example.com',
      OIDC_2_CLIENT_ID: 'c2',
      OIDC_2_CLIENT_SECRET: 's2',
      OIDC_2_NAME: 'Partner IdP',
      OIDC_2_SCOPES: 'groups email',
    });
    expect(list.map((p) => [p.id, p.name])).toEqual([
      ['oidc', 'idp.example.com'],
      ['oidc-2', 'Partner IdP'],
      ['oidc-3', 'three.example.com'],
    ]);
    expect(list[0]).toMatchObject({ autoCreate: true, roleMap: { eng: { role: 'readonly', departments: [] } } });
    expect(list[1]).toMatchObject({ autoCreate: false, roleMap: {}, scope: 'openid groups email' });
  });

  it('stop with a message naming the bad setting', () => {
    expect(() => oidcProviderSettings({ ...first, OIDC_CLIENT_SECRET: undefined })).toThrow(/OIDC_CLIENT_SECRET/);
    expect(() => oidcProviderSettings({ ...first, OIDC_ISSUER: 'ftp://idp' })).toThrow(/OIDC_ISSUER/);
    expect(() => oidcProviderSettings({ ...first, OIDC_AUTO_CREATE: 'sure' })).toThrow(/OIDC_AUTO_CREATE/);
    expect(() => oidcProviderSettings({ ...first, OIDC_ROLE_MAP: '{"eng":{"role":"god"}}' })).toThrow(/OIDC_ROLE_MAP: eng\.role/);
    expect(() => oidcProviderSettings({ OIDC_2_ISSUER: 'https://two.example.com', OIDC_2_CLIENT_ID: 'c2' })).toThrow(
      /OIDC_2_CLIENT_SECRET/,
    );
  });
});
