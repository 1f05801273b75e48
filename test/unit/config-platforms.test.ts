// The platforms' settings live in their plug-ins (src/platforms/*/config.ts) and the core's
// loadConfig composes the installed ones: same variable names, same defaults, the same errors
// for bad values as when the core listed them itself; .env.example still lists every one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { PLATFORMS } from '../../src/features.ts';
import { platformCatalog } from '../../src/plugin.ts';
import { DIRECTORY_ACCOUNTS, DIRECTORY_HEADERS } from '../../src/domain/directory.ts';

const errorOf = (env: Record<string, string>) => {
  try { loadConfig(env, PLATFORMS); } catch (err) { expect(err).toBeInstanceOf(ConfigError); return (err as Error).message; }
  throw new Error('no error');
};
const platformKeys = (c: object) => Object.keys(c).filter((k) => /^(WECOM|DINGTALK)_/.test(k)).sort();

describe('platform settings, composed from the plug-ins', () => {
  it('reads every platform variable with the defaults it always had', () => {
    const c = loadConfig({}, PLATFORMS) as unknown as Record<string, unknown>;
    expect(Object.fromEntries(platformKeys(c).map((k) => [k, c[k]]))).toEqual({
      WECOM_BOT_MODE: 'ws', WECOM_BOT_ID: undefined, WECOM_BOT_SECRET: undefined, WECOM_WS_URL: 'wss://openws.work.weixin.qq.com',
      WECOM_BOT_TOKEN: undefined, WECOM_BOT_ENCODING_AES_KEY: undefined,
      WECOM_CORP_ID: undefined, WECOM_AGENT_ID: undefined, WECOM_AGENT_SECRET: undefined, WECOM_API_BASE: 'https://qyapi.weixin.qq.com',
      WECOM_APP_TOKEN: undefined, WECOM_APP_ENCODING_AES_KEY: undefined,
      DINGTALK_MODE: 'stream', DINGTALK_CLIENT_ID: undefined, DINGTALK_CLIENT_SECRET: undefined, DINGTALK_ROBOT_CODE: undefined,
      DINGTALK_API_BASE: 'https://api.dingtalk.com', DINGTALK_OAPI_BASE: 'https://oapi.dingtalk.com', DINGTALK_CORP_ID: undefined,
    });
    // Empty is unset, values are trimmed, as before.
    const set = loadConfig({ WECOM_BOT_ID: '  bot-1 ', WECOM_BOT_SECRET: '', DINGTALK_MODE: 'http' }, PLATFORMS) as unknown as Record<string, unknown>;
    expect([set.WECOM_BOT_ID, set.WECOM_BOT_SECRET, set.DINGTALK_MODE]).toEqual(['bot-1', undefined, 'http']);
  });

  it('names each bad value with its variable, core and platform settings in one message', () => {
    expect(errorOf({ PORT: 'abc', WECOM_BOT_MODE: 'x', DINGTALK_MODE: 'y' })).toBe([
      '配置有误（请检查 .env）：',
      '  PORT: Invalid input: expected number, received NaN',
      '  WECOM_BOT_MODE: Invalid option: expected one of "ws"|"http"',
      '  DINGTALK_MODE: Invalid option: expected one of "stream"|"http"',
    ].join('\n'));
  });

  it('without the plug-ins only the core is read (commands that open no platform)', () => {
    expect(platformKeys(loadConfig({ WECOM_BOT_MODE: 'x' }))).toEqual([]);
  });

  it('two owners of one variable is a mistake in the code, said at once', () => {
    const clash = { id: 'other', settings: z.object({ WECOM_BOT_ID: z.string().optional() }) };
    expect(() => loadConfig({}, [...PLATFORMS, clash])).toThrow('WECOM_BOT_ID is declared by both wecom and other');
    expect(() => loadConfig({}, [{ id: 'x', settings: z.object({ PORT: z.string().optional() }) }])).toThrow('PORT is declared by both core and x');
  });

  it('.env.example lists exactly the platforms\' variables', () => {
    const example = readFileSync(join(import.meta.dirname, '..', '..', '.env.example'), 'utf8');
    const listed = [...example.matchAll(/^#?\s*((?:WECOM|DINGTALK)_[A-Z_]+)=/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(PLATFORMS.flatMap((p) => Object.keys(p.settings.shape)).sort());
  });
});

describe('platform names come from the plug-ins', () => {
  it('the queue board names each sender as its plug-in does; the core names only its own', () => {
    const catalog = platformCatalog(PLATFORMS);
    expect(['wecom-app', 'wecom-bot', 'dingtalk', 'webhook', 'console', 'other'].map(catalog.senderLabel))
      .toEqual(['企业微信自建应用', '企业微信智能机器人', '钉钉', '群机器人 webhook', '控制台', 'other']);
  });

  it('the directory file\'s account columns are the installed platforms\' accounts, named as the plug-ins name them', () => {
    for (const a of DIRECTORY_ACCOUNTS) {
      const p = PLATFORMS.find((x) => x.id === a.platform);
      expect(p, a.platform).toBeDefined();
      expect(a.header).toBe(`${p!.label}账号`);
    }
    expect(DIRECTORY_HEADERS).toEqual(['单位', '姓名', '角色', '企业微信账号', '钉钉账号', '手机号', '分管单位', '党员', '班子成员', '联络员', '单位类型']);
  });
});
