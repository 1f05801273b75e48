// The settings of the HTTP surface, as start-up reads them: ADMIN_API_TOKEN's length, HOST and
// TRUST_PROXY. A bad value stops start-up naming the variable and saying what would do.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const refusal = (env: Record<string, string>) => {
  try { loadConfig(env); } catch (err) { expect(err).toBeInstanceOf(ConfigError); return (err as Error).message; }
  throw new Error(`accepted: ${JSON.stringify(env)}`);
};

describe('ADMIN_API_TOKEN', () => {
  it('shorter than 24 characters is refused with how to make one; empty keeps the API closed', () => {
    for (const t of ['x', 'tok', 'a'.repeat(23)]) {
      const m = refusal({ ADMIN_API_TOKEN: t });
      expect(m).toContain('ADMIN_API_TOKEN');
      expect(m).toContain('至少 24 个字符');
      expect(m).toContain('openssl rand -base64 32');
      expect(m).not.toContain(`: ${t}`);
    }
    expect(loadConfig({ ADMIN_API_TOKEN: 'a'.repeat(24) }).ADMIN_API_TOKEN).toBe('a'.repeat(24));
    expect(loadConfig({ ADMIN_API_TOKEN: '' }).ADMIN_API_TOKEN).toBeUndefined();
    expect(loadConfig({}).ADMIN_API_TOKEN).toBeUndefined();
  });
});

describe('HOST', () => {
  it('defaults to 127.0.0.1 (also when empty) and takes an IP address', () => {
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '' }).HOST).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '::' }).HOST).toBe('::');
    expect(loadConfig({ HOST: '10.1.2.3', DATABASE_URL: 'postgres://x@h/db', REDIS_URL: 'redis://h:6379' }).HOST).toBe('10.1.2.3');
    expect(refusal({ HOST: 'bot.example.gov.cn' })).toMatch(/HOST: 必须是一个 IP 地址/);
  });

  it('with embedded data, only addresses the CLI can reach the service on (it calls 127.0.0.1)', () => {
    expect(refusal({ HOST: '10.1.2.3' })).toContain('HOST=10.1.2.3');
    expect(refusal({ HOST: '::1', DATABASE_URL: 'postgres://x@h/db' })).toContain('npm run cli');
  });
});

describe('TRUST_PROXY', () => {
  it('takes loopback, addresses and networks, or a hop count; refuses "true" and nonsense', () => {
    expect(loadConfig({}).TRUST_PROXY).toBeUndefined();
    for (const v of ['loopback', '127.0.0.1', '10.0.0.0/8, 127.0.0.1', 'fd00::/64', 'loopback, uniquelocal', '1']) {
      expect(loadConfig({ TRUST_PROXY: v }).TRUST_PROXY).toBe(v);
    }
    for (const v of ['true', 'yes', '999.1.1.1', '10.0.0.0/33', 'loopback/8', 'nginx']) {
      expect(refusal({ TRUST_PROXY: v })).toContain('TRUST_PROXY: 应为 loopback');
    }
  });
});
