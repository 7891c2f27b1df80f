import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, publicBaseUrl } from '../../src/config.js';

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ HOST: '127.0.0.1', PORT: 3000, SHAREHUB_DATA_DIR: '.sharehub', JWT_TTL_SECONDS: 900 });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('reports every bad key by name', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://db', LOG_LEVEL: 'loud', SHAREHUB_SECRET_KEY: 'short' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'SHAREHUB_SECRET_KEY']);
  });

  it('takes the public base URL from PUBLIC_BASE_URL, else from HOST and PORT', () => {
    expect(publicBaseUrl(loadConfig({}))).toBe('http://127.0.0.1:3000');
    expect(publicBaseUrl(loadConfig({ HOST: '::1', PORT: '8080' }))).toBe('http://[::1]:8080');
    expect(publicBaseUrl(loadConfig({ PUBLIC_BASE_URL: 'https://data.example.gov.cn/hub/' }))).toBe('https://data.example.gov.cn/hub');
    for (const bad of ['data.example.gov.cn', 'ftp://data.example.gov.cn', 'https://data.example.gov.cn/?x=1', 'https://data.example.gov.cn/#top']) {
      expect(() => loadConfig({ PUBLIC_BASE_URL: bad }), bad).toThrow(/PUBLIC_BASE_URL: must match pattern/);
    }
  });

  it('requires an identity provider to be pinned to its issuer and to this hub as audience, over https', () => {
    let error: unknown;
    try {
      loadConfig({ IDP_JWKS_URL: 'http://idp.example.gov.cn/jwks' });
    } catch (err) {
      error = err;
    }
    expect((error as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(['IDP_AUDIENCE', 'IDP_ISSUER', 'IDP_JWKS_URL']);
    expect(loadConfig({ IDP_JWKS_URL: 'https://idp.example.gov.cn/jwks', IDP_ISSUER: 'https://idp.example.gov.cn', IDP_AUDIENCE: 'sharehub' }).IDP_JWKS_URL).toBeTruthy();
  });

  it('sends citizens to an identity provider only over https, and only when their subject claim is configured', () => {
    let error: unknown;
    try {
      loadConfig({ IDP_SIGN_IN_URL: 'http://idp.example.gov.cn/authorize' });
    } catch (err) {
      error = err;
    }
    expect((error as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(['IDP_SIGN_IN_URL', 'IDP_SUBJECT_ID_CLAIM']);
    expect(loadConfig({ IDP_SIGN_IN_URL: 'https://idp.example.gov.cn/authorize?client_id=c', IDP_SUBJECT_ID_CLAIM: 'id_number' }).IDP_SIGN_IN_URL)
      .toBe('https://idp.example.gov.cn/authorize?client_id=c');
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(3000);
  });
});
