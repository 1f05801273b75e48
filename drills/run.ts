// `npm run drills [-- NAME…]`: the failure drills of issue #10, full size, one after another
// (they compete for the same two cores otherwise). Each prints its result line; the table goes
// to drills/results/latest.md. Names: fuzz, outage, outage-fast-errors, kill9, pg-restart,
// redis-restart, roles (default: all). Knobs: DRILL_FUZZ_COUNT (10000), DRILL_SEED, DRILL_OUTAGE_MS
// (60000), DRILL_KILL9_MESSAGES (2000), DRILL_PATCH (proposed fixes for the service processes,
// see drills/lib/overlay.ts; such a run writes drills/results/latest-with-proposed-fixes.md). The fast versions run in the CI suite: test/contract/fuzz.test.ts,
// test/service/outage.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/db/client.ts';
import { loadDemo } from '../src/demo.ts';
import { createTestDatabase, testPostgresUrl, testRedisUrl } from '../test/support/services.ts';
import { scopes } from '../test/support/service-scope.ts';
import { fuzzPassed, fuzzSummary, runFuzz } from './fuzz.ts';
import { outagePassed, outageSummary, runOutage } from './outage.ts';
import { kill9Passed, kill9Summary, runKill9 } from './kill9.ts';
import { pgRestartPassed, pgRestartSummary, runPgRestart } from './pg-restart.ts';
import { redisRestartPassed, redisRestartSummary, runRedisRestart } from './redis-restart.ts';
import { requestedPatches } from './lib/service.ts';

interface Outcome { drill: string; ok: boolean; summary: string; ms: number }

const num = (name: string, dflt: number) => (process.env[name] ? Number(process.env[name]) : dflt);

/** A fresh PostgreSQL database on the shared server with the demo campaign, dropped afterwards. */
async function withDemoDatabase<T>(name: string, fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const created = await createTestDatabase(await testPostgresUrl(), name);
  const database = await openDatabase({ databaseUrl: created.url });
  try {
    await database.db.transaction((tx) => loadDemo(tx, new Date()));
    return await fn(database);
  } finally {
    await database.close();
    await created.drop();
  }
}

const DRILLS: Record<string, () => Promise<{ ok: boolean; summary: string }>> = {
  fuzz: () => withDemoDatabase('drill_fuzz', async (database) => {
    const f = await runFuzz({ count: num('DRILL_FUZZ_COUNT', 10_000), seed: num('DRILL_SEED', 20260116), database, redisUrl: await testRedisUrl() });
    return { ok: fuzzPassed(f), summary: fuzzSummary(f) };
  }),
  // Every failure kind, hangs included: the hung sends hold the worker's slots (10) until the
  // client's 10 s timeout, which paces the retries by itself.
  outage: () => withDemoDatabase('drill_outage', async (database) => {
    const r = await runOutage({ database, redisUrl: await testRedisUrl(), messages: 200, outageMs: num('DRILL_OUTAGE_MS', 60_000) });
    return { ok: outagePassed(r), summary: outageSummary(r) };
  }),
  // Only fast failures (500, 45009, 42001): nothing but the backoff spaces the attempts, so this
  // is the one that shows whether 6 attempts cover the outage.
  'outage-fast-errors': () => withDemoDatabase('drill_outage_fast', async (database) => {
    const r = await runOutage({ database, redisUrl: await testRedisUrl(), messages: 200, outageMs: num('DRILL_OUTAGE_MS', 60_000), failures: ['http500', 45009, 42001] });
    return { ok: outagePassed(r), summary: outageSummary(r) };
  }),
  kill9: async () => {
    const n = num('DRILL_KILL9_MESSAGES', 2000);
    const r = await runKill9({ messages: n, delayMs: 100, killAt: Math.floor(n / 2) });
    return { ok: kill9Passed(r), summary: kill9Summary(r) };
  },
  'pg-restart': async () => {
    const r = await runPgRestart({ messages: 600, senders: 100, concurrency: 8, ratePerSecond: 40, restartAfter: 250, patches: requestedPatches() });
    return { ok: pgRestartPassed(r), summary: pgRestartSummary(r) };
  },
  // The admin-command × role table and the binding-escalation attempts: the conversation test, which writes drills/results/role-matrix.md.
  roles: async () => {
    execFileSync(process.execPath, [join(import.meta.dirname, '..', 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project', 'postgres', 'test/conversation/role-drill.test.ts'],
      { env: { ...process.env, TZ: 'UTC', WRITE_DRILL_RESULTS: '1' }, stdio: 'ignore' });
    const md = await readFile(join(import.meta.dirname, 'results', 'role-matrix.md'), 'utf8');
    const cells = (md.match(/拒绝 ✓ 已审计 ✓/g) ?? []).length;
    // Binding escalation (#17): admin, head and leader from unknown accounts, and a second platform after the per-person lock.
    const held = (md.match(/守住 ✓/g) ?? []).length;
    return {
      ok: cells > 0 && !/拒绝 ✗|已审计 ✗/.test(md) && held >= 4,
      summary: `${cells} command × role cells refused and audited; ${held} of 4 binding-escalation attempts held `
        + '(绑定 as admin, head and leader from unknown accounts: pending, no role; a second platform after the per-person limit: still locked) (drills/results/role-matrix.md)',
    };
  },
  'redis-restart': async () => {
    const r = await runRedisRestart({ messages: 1000, delayMs: 50 });
    return { ok: redisRestartPassed(r), summary: redisRestartSummary(r) };
  },
};

function machine(): string {
  const cpus = os.cpus();
  let commit = '';
  try { commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(); } catch { /* not a checkout */ }
  return `${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB RAM, ${os.type()} ${os.release()}, Node ${process.version}`
    + `${commit ? `, commit ${commit} (+ working tree)` : ''}; load average at the start ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')}`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, '<br>');

async function main() {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((n) => !DRILLS[n]);
  if (unknown.length) { console.error(`unknown drill ${unknown.join(', ')}; choose from ${Object.keys(DRILLS).join(', ')}`); process.exit(2); }
  const names = asked.length ? asked : Object.keys(DRILLS);
  // Ctrl-C: kill the services and private servers the drills started.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => { void Promise.all([...scopes].map((s) => s.dispose())).finally(() => process.exit(130)); });
  }
  const started = new Date();
  const head = machine();
  console.log(`drills: ${names.join(', ')} on ${head}`);
  const outcomes: Outcome[] = [];
  for (const name of names) {
    const t = Date.now();
    let o: Outcome;
    try {
      const r = await DRILLS[name]();
      o = { drill: name, ok: r.ok, summary: r.summary, ms: Date.now() - t };
    } catch (err) {
      o = { drill: name, ok: false, summary: `error: ${(err as Error).stack ?? err}`, ms: Date.now() - t };
    }
    outcomes.push(o);
    console.log(`[${name}] ${o.ok ? 'PASS' : 'FAIL'} (${(o.ms / 1000).toFixed(0)} s) — ${o.summary}`);
  }
  // Drills named on the command line replace their rows; the other rows of the last run stay.
  const file = process.env.DRILL_PATCH ? 'latest-with-proposed-fixes.md' : 'latest.md';
  const dir = join(import.meta.dirname, 'results');
  const earlier = asked.length
    ? (await readFile(join(dir, file), 'utf8').catch(() => '')).split('\n')
      .filter((l) => /^\| [\w-]+ \| (PASS|\*\*FAIL\*\*)/.test(l) && !names.includes(l.split(' | ')[0].slice(2)))
      .map((l) => l.replace(/ \| (PASS|\*\*FAIL\*\*) \(/, (m) => `${m}earlier run, `))
    : [];
  const md = [
    '# Failure drills — latest run',
    '',
    `${started.toISOString()} · ${head}`,
    `Command: \`npm run drills${asked.length ? ` -- ${asked.join(' ')}` : ''}\`${process.env.DRILL_PATCH ? ` with DRILL_PATCH=${process.env.DRILL_PATCH}` : ''}`,
    '',
    '| drill | result | figures |',
    '|---|---|---|',
    ...earlier.map((l) => l.replace(/earlier run, (earlier run, )+/, 'earlier run, ')),
    ...outcomes.map((o) => `| ${o.drill} | ${o.ok ? 'PASS' : '**FAIL**'} (${(o.ms / 1000).toFixed(0)} s) | ${cell(o.summary.split('\n')[0])} |`),
    '',
    ...outcomes.flatMap((o) => o.summary.includes('\n') ? [`## ${o.drill}`, '', '```', o.summary, '```', ''] : []),
  ].join('\n');
  await mkdir(dir, { recursive: true });
  // (A run with proposed fixes applied goes to its own file: it must not pass for the code as it is.)
  await writeFile(join(dir, file), `${md}\n`);
  console.log(`written drills/results/${file}`);
  process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
}

void main();
