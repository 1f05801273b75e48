// Ingest: the same signed callbacks, back to back, against
//   1. bare express (parse + fixed reply), 2. bare express + the adapter's crypto, 3. the service
// — each a separate process on this machine, the same connections and message count.
import path from 'node:path';
import { runLoad, runPaced, type LoadResult, type PacedResult } from './load.ts';
import { settledRss, startBareExpress, startService, type Proc } from './procs.ts';

/** Each check-in is 10 minutes: at most 60 per sender keeps everyone under the 12-hour day. */
export const PER_SENDER = 60;
export const sendersNeeded = (messages: number, connections: number) => {
  const c = Math.min(connections, messages);
  return c * Math.ceil(Math.ceil(messages / c) / PER_SENDER);
};

export interface IngestOptions {
  label: string;
  dataDir: string;
  databaseUrl?: string;
  connections: number;
  messages: number;
  warmup: number;
  /** WeCom userids of bound members: the warm-up's and measured run's, then the paced run's. */
  senders: string[];
  /** A second run at a fixed offered rate (messages per second), for the latency when not saturated. */
  paced?: { rate: number; messages: number; runs: number };
  workDir: string;
  say: (line: string) => void;
  /** Check-ins recorded with msgids starting with prefix (the service is stopped by then). */
  countRecorded: (prefix: string) => Promise<number>;
  /** Seconds to let the service settle before its idle memory is read. */
  settleSeconds?: number;
  /** Extra node flags for the service (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

export interface BareResult extends LoadResult { rssMb: number; cpuMsPerMessage: number }
export interface ServiceResult extends LoadResult {
  recorded: number;
  rssIdleMb: number;
  rssEndMb: number;
  /** With the embedded redis-server the service started. */
  treeRssIdleMb: number;
  treeRssEndMb: number;
  /** Service process CPU per message during the measured run (PostgreSQL's own CPU not included): total, in the process, in the kernel. */
  cpuMsPerMessage: number;
  cpuUserMsPerMessage: number;
  cpuSysMsPerMessage: number;
  startSeconds: number;
  /** The paced run: latency when messages arrive at `rate` per second instead of as fast as answered. */
  paced?: {
    rate: number; messages: number; perSecond: number; connections: number; recorded: number;
    /** The run with the highest p99 of `runs` (the target is judged on it), and every run's. */
    latencyMs: { p50: number; p90: number; p99: number; max: number };
    runs: { p50: number; p90: number; p99: number; max: number }[];
  };
}
export interface IngestResult { bare: BareResult; bareCrypto: BareResult; service: ServiceResult }

function split(senders: string[], connections: number) {
  return (c: number) => senders.filter((_, i) => i % connections === c);
}

async function bare(mode: 'plain' | 'crypto', o: IngestOptions): Promise<BareResult> {
  const p = await startBareExpress(mode, path.join(o.workDir, `bare-${mode}-${o.label}.log`));
  try {
    const senders = Array.from({ length: o.connections }, (_, i) => `bare${i}`);
    await runLoad({ baseUrl: p.url, connections: o.connections, messages: Math.min(o.warmup, o.messages), sendersOf: split(senders, o.connections), msgPrefix: `warm-bare-${mode}`, checkEvery: Infinity });
    const c0 = p.cpu();
    const r = await runLoad({ baseUrl: p.url, connections: o.connections, messages: o.messages, sendersOf: split(senders, o.connections), msgPrefix: `bare-${mode}`, checkEvery: Infinity });
    const c1 = p.cpu();
    return { ...r, rssMb: p.rssMb(), cpuMsPerMessage: (c1.userMs - c0.userMs + c1.sysMs - c0.sysMs) / Math.max(1, r.ok) };
  } finally {
    await p.stop();
  }
}

export async function runIngest(o: IngestOptions): Promise<IngestResult> {
  o.say(`  bare express（解析 JSON + 固定应答）…`);
  const plain = await bare('plain', o);
  o.say(`    ${plain.perSecond.toFixed(0)} 条/秒，p99 ${plain.latencyMs.p99} ms`);
  o.say(`  bare express + 验签解密加密…`);
  const crypto = await bare('crypto', o);
  o.say(`    ${crypto.perSecond.toFixed(0)} 条/秒，p99 ${crypto.latencyMs.p99} ms`);

  o.say(`  启动服务（${o.label}）…`);
  const t0 = performance.now();
  const svc: Proc = await startService({ dataDir: o.dataDir, databaseUrl: o.databaseUrl, logFile: path.join(o.workDir, `service-${o.label}.log`), nodeArgs: o.nodeArgs });
  let result: ServiceResult;
  try {
    const startSeconds = (performance.now() - t0) / 1000;
    const idle = await settledRss(svc, o.settleSeconds ?? 5);
    o.say(`    已启动（${startSeconds.toFixed(1)} 秒），空闲内存 ${idle.rssMb.toFixed(0)} MB`);
    // The warm-up speaks as the measured run's people: the measured run is the steady state of a
    // service that has seen them before (someone new costs two more short statements, once).
    const measuredN = sendersNeeded(o.warmup + o.messages, o.connections);
    const measured = o.senders.slice(0, measuredN);
    const pacedSenders = o.senders.slice(measuredN);
    if (o.warmup > 0) await runLoad({ baseUrl: svc.url, connections: o.connections, messages: o.warmup, sendersOf: split(measured, o.connections), msgPrefix: `bench-warm-${o.label}` });
    const cpu0 = svc.cpu();
    const prefix = `bench-run-${o.label}-${Date.now()}`;
    const r = await runLoad({ baseUrl: svc.url, connections: o.connections, messages: o.messages, sendersOf: split(measured, o.connections), msgPrefix: prefix });
    const cpu1 = svc.cpu();
    const per = (x: number) => x / Math.max(1, r.ok);
    const end = { rssMb: svc.rssMb(), treeRssMb: svc.treeRssMb() };
    let paced: ServiceResult['paced'];
    const pacedPrefix = `bench-paced-${o.label}-${Date.now()}`;
    if (o.paced) {
      // Several runs of the same people, one after another: one run's p99 is its 1 % slowest, a
      // handful of messages from a few moments, and moves from run to run; the worst is judged.
      const runs: PacedResult[] = [];
      for (let k = 0; k < o.paced.runs; k++) {
        const p = await runPaced({ baseUrl: svc.url, messages: o.paced.messages, rate: o.paced.rate, senders: pacedSenders, msgPrefix: `${pacedPrefix}-${k}`, warmPrefix: k === 0 ? `bench-pacedwarm-${o.label}` : undefined });
        runs.push(p);
        o.say(`    以每秒 ${o.paced.rate} 条发送（第 ${k + 1} 轮）：p50 ${p.latencyMs.p50} ms，p99 ${p.latencyMs.p99} ms（${p.ok}/${p.messages} 应答 200${Object.keys(p.failed).length ? `，未成功 ${JSON.stringify(p.failed)}` : ''}，${p.connections} 个连接）`);
      }
      const worst = runs.reduce((a, b) => (b.latencyMs.p99 > a.latencyMs.p99 ? b : a));
      paced = {
        rate: o.paced.rate, messages: o.paced.messages * runs.length, perSecond: Math.min(...runs.map((p) => p.achievedPerSecond)),
        connections: Math.max(...runs.map((p) => p.connections)), latencyMs: worst.latencyMs, runs: runs.map((p) => p.latencyMs), recorded: 0,
      };
    }
    await svc.stop();
    const recorded = await o.countRecorded(prefix);
    if (paced) paced.recorded = await o.countRecorded(pacedPrefix);
    result = {
      ...r, recorded, rssIdleMb: idle.rssMb, rssEndMb: end.rssMb, treeRssIdleMb: idle.treeRssMb, treeRssEndMb: end.treeRssMb,
      cpuMsPerMessage: per(cpu1.userMs - cpu0.userMs + cpu1.sysMs - cpu0.sysMs), cpuUserMsPerMessage: per(cpu1.userMs - cpu0.userMs),
      cpuSysMsPerMessage: per(cpu1.sysMs - cpu0.sysMs), startSeconds, paced,
    };
    o.say(`    ${r.perSecond.toFixed(0)} 条/秒，p50 ${r.latencyMs.p50} ms，p99 ${r.latencyMs.p99} ms；记录 ${recorded}/${o.messages}；结束时内存 ${end.rssMb.toFixed(0)} MB`);
  } finally {
    await svc.stop();
  }
  return { bare: plain, bareCrypto: crypto, service: result };
}
