// `platforms check` as people run it: the CLI in a child process (node dist/src/cli.js
// platforms check), with settings pointing at the fake WeCom and DingTalk APIs on loopback.
// Long connections are never opened by the CLI: it asks the running service (found through the
// data directory's lock file) on its loopback /internal/status endpoint.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import pino from 'pino';
import { startFakeWecomApi } from './fakes/wecom-api.ts';
import { startFakeDingTalk } from './fakes/dingtalk-api.ts';
import { startFakeWecomWsServer } from './fakes/wecom-ws-server.ts';
import { testContext } from './wecom-support.ts';
import { testBot } from '../support/test-bot.ts';
import { createWecomBotWsAdapter } from '../../src/platforms/wecom/aibot-ws.ts';
import { createHttpApp } from '../../src/http/server.ts';
import { acquireDataDirLock } from '../../src/infra/datadir-lock.ts';
import { builtCli, ensureBuilt } from '../support/proc.ts';

beforeAll(() => ensureBuilt(), 300_000); // the CLI runs as production runs it

const PLATFORM_VARS = [
  'WECOM_BOT_MODE', 'WECOM_BOT_ID', 'WECOM_BOT_SECRET', 'WECOM_WS_URL', 'WECOM_BOT_TOKEN', 'WECOM_BOT_ENCODING_AES_KEY',
  'WECOM_CORP_ID', 'WECOM_AGENT_ID', 'WECOM_AGENT_SECRET', 'WECOM_API_BASE', 'WECOM_APP_TOKEN', 'WECOM_APP_ENCODING_AES_KEY',
  'DINGTALK_MODE', 'DINGTALK_CLIENT_ID', 'DINGTALK_CLIENT_SECRET', 'DINGTALK_ROBOT_CODE', 'DINGTALK_API_BASE',
  'DINGTALK_OAPI_BASE', 'DINGTALK_CORP_ID', 'DATABASE_URL', 'REDIS_URL',
];

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'platforms-check-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Run the CLI with only these platform settings (empty values shadow anything in a .env). */
async function platformsCheck(dir: string, settings: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent' };
  for (const k of PLATFORM_VARS) env[k] = '';
  // zod enums: an empty mode is not "unset", so give the defaults explicitly.
  Object.assign(env, { WECOM_BOT_MODE: 'ws', DINGTALK_MODE: 'stream', WECOM_WS_URL: 'wss://openws.work.weixin.qq.com', WECOM_API_BASE: 'https://qyapi.weixin.qq.com', DINGTALK_API_BASE: 'https://api.dingtalk.com', DINGTALK_OAPI_BASE: 'https://oapi.dingtalk.com' }, settings);
  const child = spawn(process.execPath, [...builtCli(), 'platforms', 'check'], { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, out };
}

const WECOM = { corpId: 'ww-test-corp', secret: 'app-secret-xyz', agentId: 1000002 };

describe('npm run cli -- platforms check', () => {
  it('nothing configured: says so, points at the README, exit 0', async () => {
    const { code, out } = await platformsCheck(await dataDir(), {});
    expect(out).toContain('没有配置任何平台');
    expect(out).toContain('README「连接平台」');
    expect(code).toBe(0);
  });

  it('good credentials: a token from each API, ✓ per platform, exit 0', async () => {
    const wecom = await startFakeWecomApi(WECOM);
    const ding = await startFakeDingTalk();
    cleanups.push(() => wecom.close(), () => ding.close());
    const { code, out } = await platformsCheck(await dataDir(), {
      WECOM_CORP_ID: WECOM.corpId, WECOM_AGENT_ID: String(WECOM.agentId), WECOM_AGENT_SECRET: WECOM.secret, WECOM_API_BASE: wecom.url,
      DINGTALK_CLIENT_ID: ding.appKey, DINGTALK_CLIENT_SECRET: ding.appSecret, DINGTALK_API_BASE: ding.url,
    });
    expect(out).toContain('✓ 企业微信自建应用：凭证有效（已取得 access_token）');
    expect(out).toContain('✓ 钉钉机器人（Stream）：凭证有效（已取得 access token）');
    // Stream mode: credentials proven; the service is not running, so the connection is only noted.
    expect(out).toContain('长连接：服务未运行，无法检查');
    expect(out).toContain('全部通过');
    expect(code).toBe(0);
    expect(wecom.tokenRequests).toBe(1);
    expect(ding.calls.accessToken).toBe(1);
  });

  it('wrong secrets: ✗ with what to fix, secrets not printed, exit 1', async () => {
    const wecom = await startFakeWecomApi(WECOM);
    const ding = await startFakeDingTalk();
    cleanups.push(() => wecom.close(), () => ding.close());
    const { code, out } = await platformsCheck(await dataDir(), {
      WECOM_CORP_ID: WECOM.corpId, WECOM_AGENT_ID: String(WECOM.agentId), WECOM_AGENT_SECRET: 'wrong-app-secret', WECOM_API_BASE: wecom.url,
      DINGTALK_CLIENT_ID: ding.appKey, DINGTALK_CLIENT_SECRET: 'wrong-ding-secret', DINGTALK_MODE: 'http', DINGTALK_API_BASE: ding.url,
    });
    expect(out).toContain('✗ 企业微信自建应用：获取企业微信 access_token失败：企业ID或应用Secret不正确（errcode=40001）');
    expect(out).toContain('处理办法：请核对 .env 中的 WECOM_CORP_ID 与 WECOM_AGENT_SECRET');
    expect(out).toContain('✗ 钉钉机器人（HTTP 回调）：钉钉拒绝了应用凭证');
    expect(out).toContain('处理办法：核对 DINGTALK_CLIENT_ID（AppKey）与 DINGTALK_CLIENT_SECRET（AppSecret）');
    expect(out).toContain('有 2 项未通过');
    expect(out).not.toContain('wrong-app-secret');
    expect(out).not.toContain('wrong-ding-secret');
    expect(code).toBe(1);
  });

  it('half-filled settings and an unreachable API are ✗ with the fix', async () => {
    const { code, out } = await platformsCheck(await dataDir(), {
      WECOM_CORP_ID: WECOM.corpId,
      DINGTALK_CLIENT_ID: 'id', DINGTALK_CLIENT_SECRET: 'secret', DINGTALK_API_BASE: 'http://127.0.0.1:9',
    });
    expect(out).toContain('✗ 企业微信自建应用：未启用：缺少 WECOM_AGENT_ID、WECOM_AGENT_SECRET');
    expect(out).toContain('✗ 钉钉机器人（Stream）：连接钉钉接口失败');
    expect(out).toContain('处理办法：检查本机能否访问 http://127.0.0.1:9');
    expect(code).toBe(1);
  });

  it('the WeCom long connection: asks the running service instead of opening a second connection', async () => {
    const creds = { botId: 'aib-check-bot', secret: 'bot-secret-456' };
    const ws = await startFakeWecomWsServer(creds);
    cleanups.push(() => ws.close());
    const dir = await dataDir();
    const settings = { WECOM_BOT_ID: creds.botId, WECOM_BOT_SECRET: creds.secret, WECOM_WS_URL: ws.url };

    // No service: nothing can be proven without a connection, and none is opened.
    let r = await platformsCheck(dir, settings);
    expect(r.out).toContain('? 企业微信智能机器人（长连接）：服务未运行，无法检查');
    expect(r.out).toContain('处理办法：启动服务（npm start）后再运行本命令');
    expect(r.code).toBe(1);
    expect(ws.authCount()).toBe(0);

    // A "service": the real adapter connected, the real HTTP app, the data directory's lock with its port.
    const bot = await testBot({ seed: 'empty' });
    cleanups.push(() => bot.close());
    const adapter = createWecomBotWsAdapter({ ...creds, wsUrl: ws.url, ctx: testContext(bot), reconnect: { baseDelayMs: 30, maxAttempts: 1 } });
    await adapter.connect!();
    cleanups.push(() => adapter.disconnect!());
    // As main.ts does: the lock records the port, and its token is the CLI's secret.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((res) => { server.closeAllConnections(); server.close(res); }));
    const port = (server.address() as { port: number }).port;
    const lock = await acquireDataDirLock(dir, { port, role: 'all' });
    cleanups.push(() => lock.release());
    server.on('request', createHttpApp(bot.app, { cliSecret: lock.info.token, log: pino({ level: 'silent' }), adapters: [adapter] }));

    // The endpoint answers the CLI's secret only.
    expect((await fetch(`http://127.0.0.1:${port}/internal/status`, { headers: { 'x-cli-secret': 'guess' } })).status).toBe(403);

    r = await platformsCheck(dir, settings);
    expect(r.out).toContain(`✓ 企业微信智能机器人（长连接）：已连接（服务进程 ${process.pid}）`);
    expect(r.code).toBe(0);
    expect(ws.authCount()).toBe(1); // still the service's one connection

    await adapter.disconnect!();
    r = await platformsCheck(dir, settings);
    expect(r.out).toContain(`✗ 企业微信智能机器人（长连接）：未连接（服务进程 ${process.pid}）`);
    expect(r.out).toContain('处理办法：核对 WECOM_BOT_ID 与 WECOM_BOT_SECRET');
    expect(r.code).toBe(1);
    expect(ws.authCount()).toBe(1);
  }, 240_000); // three CLI child processes and a bot: 90 s in CI at load 15 (when they ran through tsx)
});
