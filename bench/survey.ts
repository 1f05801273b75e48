// 测评 under load (issue #23): "a poster in a busy outpatient hall". One service process (src/main.ts,
// embedded PGlite and Redis as `npm start`, or PostgreSQL with --pg URL) serves a questionnaire's
// public page; phones, each from its own address (X-Forwarded-For through TRUST_PROXY=loopback),
// load the page and send it 3.1 s later (the form token's minimum fill time), RATE a second for
// SECONDS. Meanwhile one address sends BURST ballots as fast as it can. Then every accepted ballot
// must be in the database once (each phone's form sent twice: the second refused), and the burst
// slowed (429) past the per-address limit without costing the others anything.
//
//   npx tsx bench/survey.ts                      # the full run: 100 a second for 60 s
//   npx tsx bench/survey.ts --seconds 10         # a short one
//   npx tsx bench/survey.ts --rate 100 --seconds 60 --burst 200 --pg postgres://postgres@127.0.0.1:5432/postgres
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openDatabase } from '../src/db/client.ts';
import { loadDemo } from '../src/demo.ts';
import { campaigns, surveyBallots, units } from '../src/db/schema.ts';
import { createSurvey, openSurvey, surveyBySeq } from '../src/domain/surveys.ts';
import { dayOf } from '../src/time.ts';
import { startService, sleep } from './procs.ts';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : dflt; };
const RATE = Number(arg('--rate', '100'));
const SECONDS = Number(arg('--seconds', '60'));
const BURST = Number(arg('--burst', '200'));
const PG = arg('--pg', '');
const FILL_MS = 3_100;

const work = mkdtempSync(path.join(tmpdir(), 'bench-survey-'));
const say = (s: string) => console.log(s);

async function main() {
  const dataDir = path.join(work, 'service');
  let databaseUrl: string | undefined;
  let dropDb: (() => Promise<void>) | null = null;
  if (PG) {
    const name = `bench_${process.pid}_survey`;
    const admin = new pg.Client({ connectionString: PG });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(PG); u.pathname = `/${name}`; databaseUrl = u.toString();
    dropDb = async () => { const a = new pg.Client({ connectionString: PG }); await a.connect(); await a.query(`drop database if exists ${name} with (force)`); await a.end(); };
  }
  // The data: the demo directory and campaign, and one open questionnaire of one unit.
  const now = new Date();
  const database = await openDatabase(databaseUrl ? { databaseUrl } : { pgliteDir: path.join(dataDir, 'db') });
  let ref = '';
  try {
    await loadDemo(database.db, now);
    const [c] = await database.db.select().from(campaigns);
    const [u] = (await database.db.select().from(units)).filter((x) => x.name === '县人民医院');
    const row = await createSurvey(database.db, {
      campaignId: c.id, name: '门诊满意度测评', kind: 'satisfaction', deadline: dayOf(new Date(now.getTime() + 7 * 86400_000)), mode: 'open', threshold: 80,
      items: ['服务态度', '办事效率', '就医环境', '总体评价'], groups: [{ name: '服务对象', weight: 100 }], unitIds: [u.id], createdBy: null,
    }, now, dayOf(now));
    await openSurvey(database.db, await surveyBySeq(database.db, c.id, row.seq), dayOf(now));
    ref = `${row.id}-${u.id}-0`;
  } finally { await database.close(); }

  say(`服务进程启动（${PG ? 'PostgreSQL' : 'PGlite'}）…`);
  const svc = await startService({ dataDir, databaseUrl, logFile: path.join(work, 'service.log'), logLevel: 'info', env: { TRUST_PROXY: 'loopback' } });
  const url = `${svc.url}/s/${ref}`;
  const cpu0 = svc.cpu();
  let ipSeq = 0;
  const nextIp = () => { ipSeq += 1; return `10.${(ipSeq >> 16) & 255}.${(ipSeq >> 8) & 255}.${ipSeq & 255}`; };
  const load = async (ip: string) => {
    const get = () => fetch(url, { headers: { 'x-forwarded-for': ip } });
    const html = await (await get().catch(() => { resent += 1; return get(); })).text();
    return /name="t" value="([^"]+)"/.exec(html)?.[1] ?? '';
  };
  // A request the connection dropped (a reused keep-alive socket the server had just closed) is
  // sent again once: a phone's browser does the same. Counted, so a figure never hides one.
  let resent = 0;
  const post = async (ip: string, token: string): Promise<Response> => {
    const init = {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
      body: `t=${encodeURIComponent(token)}&a0=2&a1=1&a2=2&a3=${ipSeq % 3}&comment=`,
    };
    try { return await fetch(url, init); } catch { resent += 1; return fetch(url, init); }
  };
  const send = async (ip: string, token: string) => {
    const t0 = performance.now();
    const res = await post(ip, token);
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - t0 };
  };
  // The burst's pages, loaded first (one address loading BURST pages is within its limits: only sends are counted).
  const burstIp = '10.255.255.1';
  const burstTokens: string[] = [];
  for (let i = 0; i < BURST; i++) burstTokens.push(await load(burstIp));
  await sleep(FILL_MS);

  say(`每秒 ${RATE} 票，持续 ${SECONDS} 秒；另有一个地址连发 ${BURST} 票…`);
  const total = RATE * SECONDS;
  const phones: Promise<{ status: number; ms: number; again: number }>[] = [];
  const start = performance.now();
  const burstRun = (async () => {
    await sleep(1000);
    const out = { ok: 0, slowed: 0, other: 0 };
    for (const t of burstTokens) {
      const r = await send(burstIp, t);
      if (r.status === 200) out.ok++; else if (r.status === 429) out.slowed++; else out.other++;
    }
    return out;
  })();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const ip = nextIp();
    phones.push((async () => {
      const token = await load(ip);
      await sleep(FILL_MS);
      const r = await send(ip, token);
      // The same form sent again (a double tap, a retry): refused.
      const again = (await send(ip, token)).status;
      return { ...r, again };
    })());
  }
  const dispatched = (performance.now() - start) / 1000;
  const results = await Promise.all(phones);
  const elapsed = (performance.now() - start) / 1000;
  const burst = await burstRun;
  const cpu1 = svc.cpu();
  await svc.stop();

  const ok = results.filter((r) => r.status === 200).length;
  const twice = results.filter((r) => r.again === 200).length;
  const lat = results.filter((r) => r.status === 200).map((r) => r.ms).sort((a, b) => a - b);
  const pct = (p: number) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))].toFixed(1) : '—');
  const counter = await openDatabase(databaseUrl ? { databaseUrl, migrate: false } : { pgliteDir: path.join(dataDir, 'db'), migrate: false });
  const [{ n }] = (await counter.db.select({ n: sql<number>`count(*)::int` }).from(surveyBallots)) as { n: number }[];
  await counter.close();
  if (dropDb) await dropDb();

  const other = results.filter((r) => r.status !== 200).reduce((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {} as Record<number, number>);
  say(`\n结果（${new Date().toISOString()}，${PG ? 'PostgreSQL' : 'PGlite'}，一个服务进程）：`);
  // Each phone sends FILL_MS after loading: the ballots arrive over the dispatch time, shifted by it.
  say(`  手机：${total} 票在 ${dispatched.toFixed(1)} 秒内发出（${(total / dispatched).toFixed(1)} 票/秒），${ok} 票成功，最后一票的回复在开始后 ${elapsed.toFixed(1)} 秒（含 ${FILL_MS / 1000} 秒填写），其他：${JSON.stringify(other)}`);
  say(`  延迟（提交）：p50 ${pct(50)} ms，p90 ${pct(90)} ms，p99 ${pct(99)} ms，最大 ${lat.length ? lat[lat.length - 1].toFixed(1) : '—'} ms`);
  say(`  同一表单再发一次：${twice} 次被接受（应为 0）；连接断开后重发的请求：${resent}`);
  say(`  连发地址：${BURST} 票中 ${burst.ok} 票接受、${burst.slowed} 票被限速（429）、其他 ${burst.other}`);
  say(`  数据库中的票：${n}（应为 ${ok + burst.ok}）${Number(n) === ok + burst.ok ? ' ✓' : ' ✗'}`);
  say(`  服务 CPU：${((cpu1.userMs + cpu1.sysMs - cpu0.userMs - cpu0.sysMs) / Math.max(1, ok + burst.ok + burst.slowed)).toFixed(2)} ms/票（含页面）`);
  rmSync(work, { recursive: true, force: true });
  process.exit(Number(n) === ok + burst.ok && twice === 0 ? 0 : 1);
}

main().catch((err) => { console.error(err); rmSync(work, { recursive: true, force: true }); process.exit(2); });
