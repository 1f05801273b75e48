// `npm run cli -- platforms check`: is each configured platform usable? Credentials are proved
// by fetching a token (WeCom app: gettoken; DingTalk: oauth2/accessToken). A long connection
// (WeCom AI bot ws, DingTalk Stream) is never opened here — a second connection for the same
// bot would kick the live one — so the running service is asked for its state instead
// (GET /internal/status on loopback, with the secret from its lock file).
import pino from 'pino';
import { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import { readLiveLock } from '../infra/datadir-lock.ts';
import { RetryableError } from '../delivery/errors.ts';
import { createPlatforms } from './index.ts';
import type { PlatformPlugin } from '../plugin.ts';
import type { PlatformAdapter } from './types.ts';

export type CheckState = 'ok' | 'fail' | 'unknown';
export interface CheckResult { label: string; state: CheckState; lines: string[]; fix?: string }
export interface CheckReport {
  configured: boolean; ok: boolean; results: CheckResult[];
  /** The installed platforms' names (企业微信、钉钉), for the report when none is configured. */
  platforms?: string[];
}

export interface ServiceAdapterStatus { platform: string; label: string; longConnection: boolean; status: { connected: boolean; detail?: string } | null }
export type ServiceAnswer =
  | { kind: 'running'; pid: number; role: string; adapters: ServiceAdapterStatus[] }
  | { kind: 'not-running' }
  | { kind: 'unknown'; why: string }
  | { kind: 'unreachable'; pid: number; why: string };

export const CHECK_TIMEOUT_MS = 8000;

/** What the running service says about its adapters, without opening anything ourselves. */
export async function askService(config: Config): Promise<ServiceAnswer> {
  const live = await readLiveLock(config.dataDir);
  if (!live) {
    if (config.DATABASE_URL && config.REDIS_URL) {
      return { kind: 'unknown', why: '使用外部 DATABASE_URL 和 REDIS_URL 时，服务不在本机数据目录登记，无法从这里得知它是否在运行、长连接是否正常' };
    }
    return { kind: 'not-running' };
  }
  if (!live.port) return { kind: 'unreachable', pid: live.pid, why: '服务没有登记 HTTP 端口' };
  let res: Response;
  try {
    res = await fetch(`http://127.0.0.1:${live.port}/internal/status`, {
      headers: { 'x-cli-secret': live.token }, signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
  } catch (err) {
    return { kind: 'unreachable', pid: live.pid, why: `连接 127.0.0.1:${live.port} 失败（${(err as Error).name === 'TimeoutError' ? '超时' : (err as Error).message}）` };
  }
  if (res.status === 404) return { kind: 'unreachable', pid: live.pid, why: '服务版本较旧，不支持状态查询：请重启服务' };
  if (!res.ok) return { kind: 'unreachable', pid: live.pid, why: `服务拒绝了状态查询（HTTP ${res.status}）` };
  const body = (await res.json()) as { adapters?: ServiceAdapterStatus[] };
  return { kind: 'running', pid: live.pid, role: live.role, adapters: body.adapters ?? [] };
}

/** The fix an error carries (WeCom / DingTalk ConfigError), or a general one. */
function explain(err: unknown, network: string, general: string): { detail: string; fix: string } {
  const e = err as Error & { fix?: unknown };
  const message = e instanceof Error ? e.message : String(err);
  if (typeof e.fix === 'string' && e.fix) {
    return { detail: message.replace(`。处理办法：${e.fix}`, '').replace(`。${e.fix}`, ''), fix: e.fix };
  }
  return { detail: message, fix: err instanceof RetryableError ? network : general };
}

/** The long connection's state, as the running service sees it. */
function connection(a: PlatformAdapter, service: ServiceAnswer): { state: CheckState; line: string; fix?: string } {
  const notOpened = '（本命令不会自己建立长连接：同一机器人的第二个连接会把正在运行的连接顶掉）';
  switch (service.kind) {
    case 'not-running':
      return { state: 'unknown', line: `长连接：服务未运行，无法检查${notOpened}`, fix: '启动服务（npm start）后再运行本命令' };
    case 'unknown':
      return { state: 'unknown', line: `长连接：${service.why}${notOpened}`, fix: '在运行服务的机器上查看服务日志，或在那台机器上（同一 DATA_DIR）运行本命令' };
    case 'unreachable':
      return { state: 'unknown', line: `长连接：服务（进程 ${service.pid}）在运行，但无法查询：${service.why}`, fix: '确认服务正常（curl http://127.0.0.1:端口/healthz），必要时重启服务' };
    case 'running': {
      if (service.role === 'web') return { state: 'unknown', line: `长连接：服务进程 ${service.pid} 是 ROLE=web，不持有长连接`, fix: '在 worker 进程的日志里查看连接状态' };
      const mine = service.adapters.find((x) => x.platform === a.platform && x.label === a.label);
      if (!mine) return { state: 'fail', line: `长连接：正在运行的服务（进程 ${service.pid}）没有启用此平台`, fix: '修改 .env 后需要重启服务（npm start）才会生效' };
      if (mine.status?.connected) return { state: 'ok', line: `长连接：已连接（服务进程 ${service.pid}）` };
      const detail = mine.status?.detail ?? '未连接';
      const fix = /顶替/.test(detail)
        ? '同一机器人只能有一个长连接：另一个程序或另一台机器上的服务用同一机器人连上了，停掉另一个（或给它换一个机器人）'
        : a.check?.connectionFix ?? '查看服务日志';
      return { state: 'fail', line: `长连接：未连接（${detail === '未连接' ? '' : `${detail}；`}服务进程 ${service.pid}）`, fix };
    }
  }
}

export async function checkPlatforms(config: Config, plugins: PlatformPlugin[], opts: { service?: () => Promise<ServiceAnswer> } = {}): Promise<CheckReport> {
  const log = pino({ level: 'silent' });
  // Nothing here serves a callback: a Redis client that never connects (lazyConnect) is enough.
  const redis = new Redis({ lazyConnect: true, enableOfflineQueue: false });
  const { adapters, problems } = createPlatforms(config, { handle: async () => null, log, redis, alert: () => {} }, plugins);
  if (!adapters.length && !problems.length) return { configured: false, ok: true, results: [], platforms: plugins.map((p) => p.label) };

  const results: CheckResult[] = problems.map((p) => {
    const label = p.message.replace(/未启用：.*$/, '');
    return {
      label, state: 'fail' as const, lines: [p.message.slice(label.length)],
      fix: `在 .env 中补全 ${p.setting.split(/,\s*/).join('、')}，或把这一组设置全部留空以关闭此平台`,
    };
  });
  let service: Promise<ServiceAnswer> | null = null;
  const askOnce = () => (service ??= (opts.service ?? (() => askService(config)))());

  for (const a of adapters) {
    const check = a.check ?? {};
    const lines: string[] = [];
    let state: CheckState = 'ok';
    let fix: string | undefined;
    if (check.credentials) {
      try {
        lines.push(...await check.credentials());
      } catch (err) {
        const e = explain(err, check.credentialFix?.network ?? '检查本机的网络、代理、防火墙', check.credentialFix?.general ?? '核对 .env 中此平台的设置');
        results.push({ label: a.label, state: 'fail', lines: [e.detail], fix: e.fix });
        continue;
      }
    }
    if (a.connect) {
      const c = connection(a, await askOnce());
      // The connection is the whole story for the WeCom AI bot: no "长连接：" prefix on its only line.
      lines.push(lines.length ? c.line : c.line.replace(/^长连接：/, ''));
      // Proven credentials with the service down are fine; with nothing proven, the state is unknown.
      if (c.state === 'fail') { state = 'fail'; fix = c.fix; }
      else if (c.state === 'unknown') { if (!check.credentials) state = 'unknown'; fix = c.fix; }
    } else if (check.callbackNote) {
      lines.push(check.callbackNote);
    }
    results.push({ label: a.label, state, lines, fix });
  }
  return { configured: true, ok: results.every((r) => r.state === 'ok'), results };
}

const MARK: Record<CheckState, string> = { ok: '✓', fail: '✗', unknown: '?' };

export function formatCheckReport(r: CheckReport): string {
  if (!r.configured) {
    return `没有配置任何平台（${r.platforms?.length ? `${r.platforms.join('、')}的` : ''}设置都为空），目前只能用控制台模拟器（npm run chat）。\n接入方法见 README「连接平台」（Connecting platforms）。`;
  }
  const out = ['平台检查：'];
  for (const x of r.results) {
    const [first, ...more] = x.lines;
    out.push(`${MARK[x.state]} ${x.label}：${first ?? ''}`, ...more.map((l) => `    ${l}`));
    if (x.fix) out.push(`    ${x.state === 'ok' ? '提示' : '处理办法'}：${x.fix}`);
  }
  const bad = r.results.filter((x) => x.state !== 'ok').length;
  out.push('', bad ? `有 ${bad} 项未通过（✗ 失败，? 无法确认）。` : '全部通过。');
  return out.join('\n');
}
