// `npm run bench [-- --quick] [options]`: the figures of issue #10, side by side with bare
// express, written to bench/results.json (bench/results-quick.json with --quick) and printed as
// a table. Not a test: it measures, it does not pass or fail. See bench/README.md.
//
// Uses PostgreSQL at $BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres) to
// create and drop a database of its own, and private redis-servers in a temp directory.
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import pg from 'pg';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { openDatabase, rowsOf, type Database } from '../src/db/client.ts';
import { generateDemoData, type GenerateResult } from '../src/demo-generate.ts';
import { DEFAULT_LIMITS } from '../src/delivery/delivery.ts';
import { startEmbeddedRedis } from '../src/infra/embedded-redis.ts';
import { runCircular, type CircularResult } from './circular.ts';
import { runChart, type ChartResult } from './chart.ts';
import { runConsole, type ConsoleResult } from './console.ts';
import { runReports, type ReportTiming } from './reports.ts';
import { runFanout, type FanoutResult } from './fanout.ts';
import { runIngest, sendersNeeded, type IngestResult } from './ingest.ts';
import { ROOT } from './procs.ts';

// ------------------------------------------------------------------------------ options

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const num = (name: string, dflt: number) => {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return dflt;
  const v = Number(argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name}: not a number`);
  return v;
};
const quick = flag('--quick');
const only = (() => {
  const i = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  if (i < 0) return null;
  const sections = new Set((argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1]).split(','));
  // The circular and the fan-out run on the PostgreSQL data set: without it they would silently not run.
  if (sections.has('circular') || sections.has('fanout') || sections.has('console') || sections.has('reports')) sections.add('postgres');
  return sections;
})();
const want = (section: string) => !only || only.has(section);

const opts = {
  quick,
  seed: num('--seed', 1),
  connections: num('--connections', 50),
  messages: num('--messages', quick ? 500 : 5000),
  warmup: num('--warmup', quick ? 100 : 1000),
  pg: { units: num('--units', quick ? 20 : 200), members: num('--members', quick ? 2000 : 20_000), checkins: num('--checkins', quick ? 30_000 : 1_000_000) },
  pglite: { units: num('--pglite-units', quick ? 10 : 50), members: num('--pglite-members', quick ? 500 : 5000), checkins: num('--pglite-checkins', quick ? 5000 : 200_000) },
  recipients: num('--recipients', quick ? 200 : 10_000),
  oneTarget: num('--one-target', quick ? 8 : 12),
  senderPerMinute: num('--sender-per-minute', DEFAULT_LIMITS.perSender.perMinute),
  circularRuns: num('--circular-runs', quick ? 2 : 5),
  /** The paced ingest run: each database's target rate, for this many seconds. */
  paced: { postgres: num('--paced-rate', 1000), pglite: num('--pglite-paced-rate', 300), seconds: num('--paced-seconds', quick ? 3 : 10), runs: num('--paced-runs', quick ? 1 : 3) },
  pgUrl: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  /** Profile the service during ingest: .cpuprofile files under bench/profiles (see bench/profile-summary.ts). */
  cpuProf: flag('--cpu-prof'),
};
const serviceNodeArgs = opts.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.join(ROOT, 'bench', 'profiles')}`] : [];

const say = (line: string) => console.log(line);
const cleanups: (() => Promise<unknown>)[] = [];
const cleanup = async () => { for (const c of cleanups.splice(0).reverse()) await c().catch((e) => console.error('cleanup:', (e as Error).message)); };
process.once('SIGINT', () => { void cleanup().then(() => process.exit(130)); });

// ------------------------------------------------------------------------------ helpers

async function senders(database: Database, n: number): Promise<string[]> {
  // Spread over the units (as a morning's check-ins are), the same ones every run.
  const rows = rowsOf<{ u: string }>(await database.db.execute(sql`
    select i.platform_user_id as u from identities i join members m on m.id = i.member_id
    where i.platform = 'wecom' and m.active and m.role in ('staff', 'head') order by md5(m.id::text) limit ${n}`));
  if (rows.length < n) throw new Error(`the generated directory has ${rows.length} staff, the ingest run needs ${n}: raise --members`);
  return rows.map((r) => r.u);
}

async function countRecorded(database: Database, prefix: string): Promise<number> {
  const [{ n }] = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from checkins where message_id like ${`${prefix}-%`}`));
  return n;
}

function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version, os: `${os.type()} ${os.release()}`, loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

// ------------------------------------------------------------------------------ the run

interface Results {
  date: string;
  mode: 'quick' | 'full';
  machine: ReturnType<typeof machine> & { postgres?: string; loadAverageAtEnd?: number[] };
  options: typeof opts;
  generate: { postgres?: GenerateResult; pglite?: GenerateResult };
  ingest: { postgres?: IngestResult; pglite?: IngestResult };
  circular?: CircularResult;
  /** The same with PostgreSQL's JIT compilation off for the session (jit = off). */
  circularJitOff?: CircularResult;
  /** The web console's 总览 and 单位 over the same data set. */
  console?: ConsoleResult;
  /** 报送's documents over the same data set. */
  reports?: ReportTiming[];
  /** The circular's chart for 200 synthetic units (bench/chart.ts). */
  chart?: ChartResult;
  fanout?: FanoutResult;
  seconds?: number;
}

async function main() {
  const started = performance.now();
  const work = await mkdtemp(path.join(os.tmpdir(), 'campaign-bench-'));
  const results: Results = { date: new Date().toISOString(), mode: quick ? 'quick' : 'full', machine: machine(), options: { ...opts, pgUrl: opts.pgUrl.replace(/:[^:@/]*@/, ':***@') }, generate: {}, ingest: {} };
  say(`基准测试（${quick ? '快速' : '完整'}）：${results.machine.cpus} 核 ${results.machine.cpuModel}，Node ${process.version}，负载 ${results.machine.loadAverageAtStart.join(' ')}`);
  say(`工作目录 ${work}（成功结束后删除；失败时保留日志）`);

  const pacedRun = (kind: 'postgres' | 'pglite') => ({ rate: opts.paced[kind], messages: opts.paced[kind] * opts.paced.seconds, runs: Math.max(1, opts.paced.runs) });
  /**
   * The paced run speaks for many people, two messages each (a morning's thousand people are a
   * thousand people, not fifty sending fast), as many as the data set leaves after the saturated run.
   */
  const pacedSenders = (kind: 'postgres' | 'pglite') => {
    const members = (kind === 'postgres' ? opts.pg : opts.pglite).members;
    const saturated = sendersNeeded(opts.warmup + opts.messages, opts.connections);
    return Math.max(opts.connections, Math.min(Math.ceil(pacedRun(kind).messages / 2), Math.floor(members * 0.8) - saturated));
  };

  /** Fills a database with the generated data set of that size; returns the senders the ingest run posts as. */
  const generate = async (kind: 'postgres' | 'pglite', open: () => Promise<Database>) => {
    const size = kind === 'postgres' ? opts.pg : opts.pglite;
    say(`生成数据：${size.units} 个单位、${size.members} 人、${size.checkins} 条打卡…`);
    const database = await open();
    try {
      const g = results.generate[kind] = await generateDemoData(database, { ...size, seed: opts.seed, onProgress: (l) => say(`  ${l}`) });
      say(`  用时 ${(g.ms / 1000).toFixed(1)} 秒`);
      // Loading a million rows leaves PostgreSQL a checkpoint's worth of dirty pages (~0.5 GB of WAL
      // behind it) to write while the ingest runs, and the WAL's fsyncs queue behind those writes:
      // stalls of ~100 ms with every commit waiting, seen in pg_stat_activity as IO:WALSync. A
      // database at 08:00 has been quiet all night, so the load's checkpoint is taken first.
      const c0 = performance.now();
      await database.db.execute(sql`checkpoint`);
      say(`  检查点（CHECKPOINT）${((performance.now() - c0) / 1000).toFixed(1)} 秒`);
      return await senders(database, sendersNeeded(opts.warmup + opts.messages, opts.connections)
        + pacedSenders(kind));
    } finally {
      await database.close();
    }
  };

  // ---------------------------------------------------------------- the circular's chart (no database)

  if (want('chart')) {
    say('通报图表（200 个单位，合成数据，src/documents/chart.ts）…');
    const r = results.chart = await runChart({ units: 200, runs: opts.circularRuns });
    say(`  ${r.width}×${r.height}，${(r.bytes / 1024).toFixed(0)} KB：中位 ${r.medianMs.toFixed(0)} ms，首次 ${r.firstMs.toFixed(0)} ms`);
  }

  // ---------------------------------------------------------------- PostgreSQL
  if (want('postgres')) {
    const admin = new pg.Client({ connectionString: opts.pgUrl });
    await admin.connect();
    results.machine.postgres = (await admin.query<{ v: string }>('select version() as v')).rows[0].v.split(' on ')[0];
    const dbName = `bench_${process.pid}_${Date.now() % 100_000}`;
    await admin.query(`create database ${dbName}`);
    const dropDb = async () => { await admin.query(`drop database if exists ${dbName} with (force)`); await admin.end(); };
    cleanups.push(dropDb);
    try {
      const url = new URL(opts.pgUrl);
      url.pathname = `/${dbName}`;
      const databaseUrl = url.toString();
      say(`\n== PostgreSQL（数据库 ${dbName}）`);
      const ingestSenders = await generate('postgres', () => openDatabase({ databaseUrl }));

      if (want('circular')) {
        say('通报计算（computeCircular）…');
        results.circular = await runCircular({ databaseUrl, runs: opts.circularRuns });
        const c = results.circular;
        say(`  上一期 ${c.lastPeriod.period.key}（${c.lastPeriod.checkinsInPeriod} 条打卡）：中位 ${c.lastPeriod.medianMs.toFixed(0)} ms，首次 ${c.lastPeriod.firstMs.toFixed(0)} ms`);
        say(`  活动至今（${c.wholeCampaign.checkinsInPeriod} 条打卡）：中位 ${c.wholeCampaign.medianMs.toFixed(0)} ms，首次 ${c.wholeCampaign.firstMs.toFixed(0)} ms`);
        const noJit = new URL(databaseUrl);
        noJit.searchParams.set('options', '-c jit=off');
        results.circularJitOff = await runCircular({ databaseUrl: noJit.toString(), runs: opts.circularRuns });
        const j = results.circularJitOff;
        say(`  发送整期通报（计算、保存、${c.send.messages} 条消息含各负责人明细，已回滚）：${c.send.ms.toFixed(0)} ms`);
        say(`  jit=off：上一期中位 ${j.lastPeriod.medianMs.toFixed(0)} ms，活动至今中位 ${j.wholeCampaign.medianMs.toFixed(0)} ms`);
        if (c.withChart) say(`  计算并画通报图表：中位 ${c.withChart.medianMs.toFixed(0)} ms（计算 ${c.withChart.computeMs.toFixed(0)}，画图 ${c.withChart.renderMs.toFixed(0)}），首次 ${c.withChart.firstMs.toFixed(0)} ms`);
      }

      if (want('console')) {
        say('控制台 总览 / 单位（handlers/console/views.ts）…');
        results.console = await runConsole({ databaseUrl, runs: opts.circularRuns });
        for (const t of results.console.overview) say(`  总览，${t.viewer}：中位 ${t.medianMs.toFixed(0)} ms，最慢 ${t.maxMs.toFixed(0)} ms，首次 ${t.firstMs.toFixed(0)} ms（${(t.bytes / 1024).toFixed(0)} KB）`);
        for (const t of results.console.units) say(`  单位，${t.viewer}：中位 ${t.medianMs.toFixed(0)} ms，最慢 ${t.maxMs.toFixed(0)} ms`);
      }

      if (want('reports')) {
        say('报送材料（src/domain/reports.ts）…');
        results.reports = await runReports({ databaseUrl, runs: opts.circularRuns });
        for (const t of results.reports) say(`  ${t.what}：中位 ${t.medianMs.toFixed(0)} ms，最慢 ${t.maxMs.toFixed(0)} ms，首次 ${t.firstMs.toFixed(0)} ms（${(t.bytes / 1024).toFixed(0)} KB，${t.rows} 行）`);
      }

      if (want('ingest')) {
        say('接收打卡（企业微信智能机器人回调，PostgreSQL）…');
        const counter = await openDatabase({ databaseUrl, migrate: false });
        try {
          results.ingest.postgres = await runIngest({
            label: 'postgres', dataDir: path.join(work, 'service-pg'), databaseUrl, connections: opts.connections, messages: opts.messages,
            warmup: opts.warmup, senders: ingestSenders, workDir: work, say, countRecorded: (p) => countRecorded(counter, p), nodeArgs: serviceNodeArgs, settleSeconds: quick ? 3 : 5,
            paced: pacedRun('postgres'),
          });
        } finally {
          await counter.close();
        }
      }

      if (want('fanout')) {
        say(`推送扇出：${opts.recipients} 人 + 同一人 ${opts.oneTarget} 条（发送方限速 ${opts.senderPerMinute}/分钟）…`);
        const redis = await startEmbeddedRedis(path.join(work, 'fanout'), pino({ level: 'warn' }));
        try {
          results.fanout = await runFanout({
            databaseUrl, redisUrl: redis.url, recipients: opts.recipients, oneTarget: opts.oneTarget, say,
            limits: { perTarget: DEFAULT_LIMITS.perTarget, perSender: { ...DEFAULT_LIMITS.perSender, perMinute: opts.senderPerMinute } },
          });
        } finally {
          await redis.stop();
        }
        const f = results.fanout;
        say(`  入队 ${f.enqueue.ms.toFixed(0)} ms；送达 ${f.delivered}/${f.recipients}，丢失 ${f.lost}，重复 ${f.twice}；发送速率 ${f.sender.achievedPerMinute.toFixed(0)}/分钟（限 ${f.sender.limitPerMinute}）`);
      }
    } finally {
      cleanups.splice(cleanups.indexOf(dropDb), 1);
      await dropDb();
    }
  }

  // ---------------------------------------------------------------- PGlite
  if (want('pglite') && want('ingest')) {
    say(`\n== PGlite（内置数据库）`);
    const dataDir = path.join(work, 'service-pglite');
    const pgliteDir = path.join(dataDir, 'db');
    const ingestSenders = await generate('pglite', () => openDatabase({ pgliteDir }));
    say('接收打卡（企业微信智能机器人回调，PGlite）…');
    results.ingest.pglite = await runIngest({
      label: 'pglite', dataDir, connections: opts.connections, messages: opts.messages, warmup: opts.warmup, senders: ingestSenders, workDir: work, say, nodeArgs: serviceNodeArgs, settleSeconds: quick ? 3 : 5,
      paced: pacedRun('pglite'),
      // PGlite is single-process: count once the service has let go of the files.
      countRecorded: async (p) => {
        const database = await openDatabase({ pgliteDir, migrate: false });
        try { return await countRecorded(database, p); } finally { await database.close(); }
      },
    });
  }

  results.machine.loadAverageAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
  results.seconds = (performance.now() - started) / 1000;
  const file = path.join(ROOT, 'bench', quick ? 'results-quick.json' : 'results.json');
  // A run of some sections (--only) updates those in the file and keeps the others' last figures,
  // each section saying when it was measured (runs[section]).
  const kept = only ? await readFile(file, 'utf8').then((t) => JSON.parse(t) as Partial<Results> & { runs?: Record<string, string> }).catch(() => null) : null;
  const runs = { ...(kept?.runs ?? {}), ...Object.fromEntries([...(only ?? ['all'])].map((x) => [x, results.date])) };
  const written = kept ? { ...kept, ...results, generate: { ...kept.generate, ...results.generate }, ingest: { ...kept.ingest, ...results.ingest }, runs } : { ...results, runs };
  await writeFile(file, `${JSON.stringify(written, null, 2)}\n`);
  await rm(work, { recursive: true, force: true });
  say(`\n${table(results)}`);
  say(`\n结果已写入 ${path.relative(process.cwd(), file)}（用时 ${results.seconds.toFixed(0)} 秒；负载 ${results.machine.loadAverageAtEnd.join(' ')}）`);
}

// ------------------------------------------------------------------------------ the table

function table(r: Results): string {
  const rows: [string, string, string, string][] = [['figure', 'measured', 'target', '']];
  const mark = (ok: boolean | null) => (ok === null ? '' : ok ? 'ok' : 'SHORT');
  const ms = (x: number) => `${x < 10 ? x.toFixed(1) : x.toFixed(0)} ms`;
  for (const kind of ['postgres', 'pglite'] as const) {
    const i = r.ingest[kind];
    if (!i) continue;
    const s = i.service;
    const target = kind === 'postgres' ? 1000 : 500;
    rows.push([`ingest ${kind}: msg/s (x bare express)`, `${s.perSecond.toFixed(0)} (${(s.perSecond / i.bare.perSecond).toFixed(2)}x of ${i.bare.perSecond.toFixed(0)})`, `>= ${target}`, mark(s.perSecond >= target)]);
    // Saturated, 50 requests always wait: the mean latency is 50 ÷ msg/s, whatever the service.
    rows.push([`ingest ${kind}: p50 / p99, saturated`, `${ms(s.latencyMs.p50)} / ${ms(s.latencyMs.p99)} (bare ${ms(i.bare.latencyMs.p99)})`, '', '']);
    if (s.paced) {
      const latencyTarget = kind === 'postgres' && s.paced.rate >= 1000;
      const each = s.paced.runs.length > 1 ? `; p99 of each run ${s.paced.runs.map((x) => x.p99).join(' / ')} ms` : '';
      rows.push([`ingest ${kind}: p50 / p99 at ${s.paced.rate} msg/s offered${s.paced.runs.length > 1 ? `, worst of ${s.paced.runs.length} runs` : ''}`, `${ms(s.paced.latencyMs.p50)} / ${ms(s.paced.latencyMs.p99)} (${s.paced.recorded}/${s.paced.messages} recorded${each})`,
        latencyTarget ? 'p99 <= 50 ms' : '', latencyTarget ? mark(s.paced.latencyMs.p99 <= 50 && s.paced.recorded === s.paced.messages) : '']);
    }
    rows.push([`ingest ${kind}: bare express + crypto`, `${i.bareCrypto.perSecond.toFixed(0)} msg/s, p99 ${ms(i.bareCrypto.latencyMs.p99)}`, '', '']);
    rows.push([`ingest ${kind}: recorded / errors`, `${s.recorded}/${s.messages}, ${s.non2xx + s.errors} failed (${s.timeouts} timed out)`, 'all', mark(s.recorded === s.messages)]);
    rows.push([`ingest ${kind}: service CPU per message`, `${ms(s.cpuMsPerMessage)} (user ${ms(s.cpuUserMsPerMessage)}, kernel ${ms(s.cpuSysMsPerMessage)}; bare ${ms(i.bare.cpuMsPerMessage)}, +crypto ${ms(i.bareCrypto.cpuMsPerMessage)})`, '', '']);
    rows.push([`memory ${kind}: RSS idle / after ingest`, `${s.rssIdleMb.toFixed(0)} / ${s.rssEndMb.toFixed(0)} MB (+redis ${(s.treeRssIdleMb - s.rssIdleMb).toFixed(0)} MB)`, 'idle <= 350 MB', mark(s.rssIdleMb <= 350)]);
  }
  if (r.circular) {
    const c = r.circular;
    const g = r.generate.postgres!;
    rows.push([`circular (${g.units} units, ${g.members} people, ${g.checkins} check-ins): last period`, `${ms(c.lastPeriod.medianMs)} (first ${ms(c.lastPeriod.firstMs)}; ${c.lastPeriod.checkinsInPeriod} in period)`, '<= 1000 ms', mark(c.lastPeriod.medianMs <= 1000)]);
    rows.push(['circular: whole campaign so far', `${ms(c.wholeCampaign.medianMs)} (first ${ms(c.wholeCampaign.firstMs)}; ${c.wholeCampaign.checkinsInPeriod} in range)`, '<= 1000 ms', mark(c.wholeCampaign.medianMs <= 1000)]);
    rows.push([`circular job: compute + store + chart + ${c.send.messages} messages (heads' details)`, ms(c.send.ms), '', '']);
    if (c.withChart) rows.push(['circular + its chart (last period)', `${ms(c.withChart.medianMs)} (compute ${ms(c.withChart.computeMs)}, render ${ms(c.withChart.renderMs)}; first ${ms(c.withChart.firstMs)})`, '< 2000 ms', mark(c.withChart.medianMs < 2000)]);
    const j = r.circularJitOff;
    if (j) rows.push(['circular with jit = off: last period / whole', `${ms(j.lastPeriod.medianMs)} / ${ms(j.wholeCampaign.medianMs)}`, '<= 1000 ms', mark(j.lastPeriod.medianMs <= 1000 && j.wholeCampaign.medianMs <= 1000)]);
  }
  if (r.chart) {
    const h = r.chart;
    rows.push([`circular chart, ${h.units} units (synthetic), ${h.width}x${h.height} PNG ${(h.bytes / 1024).toFixed(0)} kB`, `${ms(h.medianMs)} (max ${ms(h.maxMs)}, first ${ms(h.firstMs)})`, '< 2000 ms', mark(h.medianMs < 2000)]);
  }
  if (r.console) {
    const g = r.generate.postgres!;
    for (const t of r.console.overview) rows.push([`console 总览 (${g.units} units, ${g.members} people, ${g.checkins} check-ins), ${t.viewer === '管理员' ? 'office' : t.viewer === '分管领导' ? 'leader' : 'head'}`, `${ms(t.medianMs)} (max ${ms(t.maxMs)}, first ${ms(t.firstMs)}; ${(t.bytes / 1024).toFixed(0)} kB)`, '<= 1000 ms', mark(t.maxMs <= 1000)]);
    const u = r.console.units[0];
    rows.push(['console 单位, office', `${ms(u.medianMs)} (max ${ms(u.maxMs)})`, '<= 1000 ms', mark(u.maxMs <= 1000)]);
  }
  if (r.fanout) {
    const f = r.fanout;
    rows.push([`fan-out: ${f.recipients} recipients enqueued`, `${ms(f.enqueue.ms)} (outbox ${ms(f.enqueue.outboxMs)}, addBulk ${ms(f.enqueue.queueMs)})`, '<= 2000 ms', mark(f.enqueue.ms <= 2000)]);
    rows.push(['fan-out: bench process CPU per 1,000 delivered', `${f.cpuSecondsPer1000.toFixed(1)} s (worker + fake platform)`, '', '']);
    rows.push(['fan-out: delivered / lost / twice', `${f.delivered} / ${f.lost} / ${f.twice}`, '0 lost, 0 twice', mark(f.lost === 0 && f.twice === 0)]);
    rows.push([`fan-out: rate per sender (${f.sender.name})`, `${f.sender.achievedPerMinute.toFixed(0)}/min`, `limit ${f.sender.limitPerMinute}/min`, mark(f.sender.achievedPerMinute <= f.sender.limitPerMinute * 1.05)]);
    rows.push([`fan-out: rate to one person (${f.oneTarget.messages} msgs)`, f.oneTarget.achievedPerMinute === null ? `${f.oneTarget.delivered} delivered` : `${f.oneTarget.achievedPerMinute.toFixed(1)}/min`, `limit ${f.oneTarget.limitPerMinute}/min`, f.oneTarget.achievedPerMinute === null ? '' : mark(f.oneTarget.achievedPerMinute <= f.oneTarget.limitPerMinute * 1.05)]);
  }
  if (r.generate.postgres) rows.push(['generate (PostgreSQL)', `${(r.generate.postgres.ms / 1000).toFixed(1)} s for ${r.generate.postgres.checkins} check-ins`, '', '']);
  if (r.generate.pglite) rows.push(['generate (PGlite)', `${(r.generate.pglite.ms / 1000).toFixed(1)} s for ${r.generate.pglite.checkins} check-ins`, '', '']);
  const w = [0, 1, 2, 3].map((k) => Math.max(...rows.map((row) => row[k].length)));
  return rows.map((row, n) => {
    const line = row.map((c, k) => c.padEnd(w[k])).join('  ').trimEnd();
    return n === 0 ? `${line}\n${w.map((x) => '-'.repeat(x)).join('  ')}` : line;
  }).join('\n');
}

main().then(() => cleanup()).then(() => process.exit(0), async (err) => {
  console.error('基准测试失败：', err instanceof Error ? err.stack : err);
  await cleanup();
  process.exit(1);
});
