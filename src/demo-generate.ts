// `npm run cli -- demo generate --units 200 --members 20000 --checkins 1000000 [--seed N]`:
// a fictional city health bureau at scale, for the benchmarks and for trying the bot with real
// volumes. Every name, phone number and account is made up. The same seed, sizes and day give
// the same data (ids included, on an empty database).
//
// Rows go in as INSERT … SELECT FROM unnest(arrays), thousands per statement, all in one
// transaction (nothing half-written). Check-ins are written day by day, as they would accrue, so
// the table's physical order is the real one (by time, not by person).
import path from 'node:path';
import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Database, Tx } from './db/client.ts';
import { rowsOf } from './db/client.ts';
import { addDays, dayOf, daysBetween } from './time.ts';
import { formatMinutes } from './parse/duration.ts';
import { DAILY_LIMIT_MINUTES } from './domain/checkins.ts';
import { dateCn } from './domain/messages/format.ts';

export interface GenerateOptions {
  units: number;
  members: number;
  checkins: number;
  seed?: number;
  /** "Now": the campaign is running on this day; check-ins run up to the day before. */
  now?: Date;
  /** Rows per INSERT statement for the check-ins. */
  batchSize?: number;
  onProgress?: (line: string) => void;
}

export interface GenerateResult {
  units: number;
  members: number;
  admins: number;
  leaders: number;
  heads: number;
  checkins: number;
  submissions: number;
  readingsDone: number;
  feedback: number;
  rectifications: number;
  campaignId: number;
  campaignStart: string;
  campaignEnd: string;
  /** The day the data was generated as of (Asia/Shanghai). */
  today: string;
  ms: number;
}

/** mulberry32: small, fast, and the same sequence on every machine for a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ------------------------------------------------------------------------------ names

// Common surnames, the most frequent repeated so they come up as often as in life.
const SURNAMES = ('王王王李李李张张张刘刘陈陈杨杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘'
  + '于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤').split('');
const GIVEN = ('伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力斌宇浩凯健俊帆帅旭宁龙林欣悦佳怡雪琳晨婷倩颖慧莉梅鹏飞鑫波晶蕾'
  + '志国海峰春燕小金云亮成东红丹雨欣梓涵子轩思远博文晓光嘉琪瑞德新荣振立卫海燕').split('');
const PLACE_A = '东西南北新大小上下高龙凤马石白青黄金柳桃杨双三五清安平永兴太和长宁福河山'.split('');
const PLACE_B = '桥庄河山湾店集坪口沟坝岭营寨铺冲源溪塘湖峪堡关阳城镇园林'.split('');
const COUNTY_UNITS = ['县人民医院', '县中医院', '县妇幼保健院', '县疾病预防控制中心', '县第二人民医院', '县卫生健康综合监督执法大队',
  '县精神卫生中心', '县急救中心', '县皮肤病防治所', '县康复医院'];
const BUREAU = '县卫生健康局机关';

function personName(rand: () => number): string {
  const s = SURNAMES[Math.floor(rand() * SURNAMES.length)];
  const g1 = GIVEN[Math.floor(rand() * GIVEN.length)];
  return rand() < 0.35 ? s + g1 : s + g1 + GIVEN[Math.floor(rand() * GIVEN.length)];
}

function unitNames(n: number, rand: () => number): string[] {
  const names = [BUREAU, ...COUNTY_UNITS.slice(0, Math.max(0, Math.min(COUNTY_UNITS.length, n - 1)))];
  const seen = new Set(names);
  const kinds = ['镇卫生院', '镇卫生院', '乡卫生院', '社区卫生服务中心', '街道社区卫生服务中心'];
  let tries = 0;
  while (names.length < n) {
    const place = PLACE_A[Math.floor(rand() * PLACE_A.length)] + PLACE_B[Math.floor(rand() * PLACE_B.length)];
    let name = place + kinds[Math.floor(rand() * kinds.length)];
    // The pool runs out past a few thousand units: number the rest.
    if (++tries > 50 * n) name = `${place}第${names.length}卫生服务站`;
    if (seen.has(name)) continue;
    seen.add(name);
    names.push(name);
  }
  return names.slice(0, n);
}

const MATERIALS = ['中国共产党章程', '医疗机构工作人员廉洁从业九项准则', '中国共产党纪律处分条例', '基本医疗卫生与健康促进法',
  '医疗纠纷预防和处理条例', '医疗质量安全核心制度要点', '警示教育典型案例汇编', '处方管理办法', '医院感染管理办法',
  '优质服务基层行活动方案', '传染病防治法', '护理文书书写规范'];
const REFLECTIONS = ['要把群众放在心上', '进一步增强了廉洁从业意识', '对照检查自身不足，立行立改', '收获很大，要学以致用',
  '深受教育，警钟长鸣', '要提升服务质量，改善群众就医体验', '坚守医德底线，不收红包回扣', '规范诊疗行为，合理检查合理用药'];
const MINUTES = [20, 30, 40, 45, 60, 60, 60, 90, 120];
const PROBLEMS = ['门诊排队时间长，群众反映候诊体验差', '个别科室存在开具大处方现象', '医疗废物分类暂存不规范', '病历书写不及时、不完整',
  '院感防控制度落实不到位', '药品耗材采购程序不规范', '基层随访服务流于形式', '收费公示不全，存在多收费风险',
  '值班制度执行不严格', '群众投诉处理不及时'];
const MEASURES = ['优化流程，推行分时段预约，每月通报候诊时间', '开展处方点评，对超常处方约谈到人', '完善台账，专人管理，每周自查',
  '纳入科室绩效考核，每月抽查病历', '组织专题培训，建立督查通报制度', '规范采购流程，实行集体决策和公示', '建立回访核查机制，按月抽查',
  '更新收费公示，开展收费专项自查', '严格交接班制度，院领导带班检查', '建立投诉台账，限时办结并回访'];
const FEEDBACK_TEXT = ['建议增加夜间门诊', '希望学习材料能提供音频版', '食堂饭菜价格偏高', '停车位太少，患者停车困难',
  '建议简化报销流程', '打卡时长上限能否放宽', '希望多组织业务培训', '值班补贴发放不及时'];

// ------------------------------------------------------------------------------ bulk insert

type Col = [name: string, pgType: string, values: unknown[]];

/** INSERT … SELECT FROM unnest($1::type[], …): one statement for a whole batch. */
async function insertRows(tx: Tx, table: string, cols: Col[], returning?: string): Promise<Record<string, unknown>[]> {
  if (!cols[0][2].length) return [];
  const q: SQL = sql`insert into ${sql.raw(table)} (${sql.raw(cols.map((c) => c[0]).join(', '))})
    select * from unnest(${sql.join(cols.map(([, type, values]) => sql`${sql.param(values)}::${sql.raw(type)}[]`), sql`, `)})
    ${returning ? sql.raw(`returning ${returning}`) : sql``}`;
  return rowsOf<Record<string, unknown>>(await tx.execute(q));
}

/** Column arrays filled row by row and written when full. */
class Batch {
  private cols: unknown[][];
  length = 0;
  constructor(private readonly tx: Tx, private readonly table: string, private readonly spec: [string, string][], private readonly size = 5000) {
    this.cols = spec.map(() => []);
  }
  async add(...values: unknown[]) {
    for (let i = 0; i < values.length; i++) this.cols[i].push(values[i]);
    if (++this.length >= this.size) await this.flush();
  }
  async flush() {
    if (!this.length) return;
    await insertRows(this.tx, this.table, this.spec.map(([n, t], i) => [n, t, this.cols[i]]));
    this.cols = this.spec.map(() => []);
    this.length = 0;
  }
}

const pad2 = (n: number) => String(n).padStart(2, '0');
/** An instant on a China date, as text PostgreSQL reads (hours 0–23 China time). */
const at = (day: string, hour: number, minute: number, second = 0) => `${day}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}+08:00`;

// ------------------------------------------------------------------------------ the generator

export async function generateDemoData(database: Database, o: GenerateOptions): Promise<GenerateResult> {
  const t0 = Date.now();
  const rand = seededRandom(o.seed ?? 1);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rand() * a.length)];
  const say = o.onProgress ?? (() => {});
  const nUnits = o.units;
  const nLeaders = Math.max(1, Math.ceil((nUnits - 1) / 20));
  const nAdmins = 2;
  const minMembers = nAdmins + nLeaders + 2 + (nUnits - 1) * 2;
  if (!Number.isInteger(nUnits) || nUnits < 2) throw new GenerateError('--units 至少为 2。');
  if (!Number.isInteger(o.members) || o.members < minMembers) throw new GenerateError(`${nUnits} 个单位至少需要 ${minMembers} 人（--members）。`);
  if (!Number.isInteger(o.checkins) || o.checkins < 0) throw new GenerateError('--checkins 应为不小于 0 的整数。');

  const today = dayOf(o.now ?? new Date());
  // About 0.8 check-ins per person per working day: the campaign has run long enough for the count asked.
  const elapsed = Math.min(365, Math.max(14, Math.round(o.checkins / o.members / 0.8)));
  const start = addDays(today, -elapsed);
  const end = addDays(today, 60);
  const yesterday = addDays(today, -1);

  return database.db.transaction(async (tx) => {
    const [{ n: existing }] = rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from members`));
    if (existing > 0) throw new GenerateError(`数据库里已有 ${existing} 人的名单。demo generate 只往空数据库里生成，以免和真实数据混在一起；请换一个空的 DATA_DIR 或数据库。`);
    const [{ n: activeCampaigns }] = rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from campaigns where status = 'active'`));
    if (activeCampaigns > 0) throw new GenerateError('数据库里已有进行中的活动。demo generate 只往空数据库里生成。');

    // -------------------------------------------------------------- units
    const uNames = unitNames(nUnits, rand);
    const unitRows = await insertRows(tx, 'units', [['name', 'text', uNames]], 'id, name');
    const unitId = new Map(unitRows.map((r) => [r.name as string, r.id as number]));
    const unitIds = uNames.map((n) => unitId.get(n)!);
    say(`单位 ${nUnits} 个`);

    // -------------------------------------------------------------- members
    // Sizes: county hospitals large, town clinics small; every unit has a head and at least one member of staff.
    const weights = uNames.map((n, i) => (i === 0 ? 1 : COUNTY_UNITS.includes(n) ? 4 + 4 * rand() : 0.5 + rand()));
    const base = uNames.map((_, i) => (i === 0 ? nAdmins + nLeaders + 2 : 2));
    const spare = o.members - base.reduce((a, b) => a + b, 0);
    const wSum = weights.reduce((a, b) => a + b, 0);
    const exact = weights.map((w) => (spare * w) / wSum);
    const size = base.map((b, i) => b + Math.floor(exact[i]));
    let left = o.members - size.reduce((a, b) => a + b, 0);
    for (const i of exact.map((x, i) => [x - Math.floor(x), i]).sort((a, b) => b[0] - a[0]).map(([, i]) => i)) {
      if (left-- <= 0) break;
      size[i]++;
    }

    const mUnit: number[] = [];
    const mName: string[] = [];
    const mRole: string[] = [];
    const mPhone: string[] = [];
    const mWecom: string[] = [];
    const unitFactor = uNames.map(() => 0.6 + 0.8 * rand());
    for (let u = 0; u < nUnits; u++) {
      for (let k = 0; k < size[u]; k++) {
        const i = mUnit.length;
        const role = u === 0
          ? (k < nAdmins ? 'admin' : k < nAdmins + nLeaders ? 'leader' : k === nAdmins + nLeaders ? 'head' : 'staff')
          : (k === 0 ? 'head' : 'staff');
        mUnit.push(u);
        mName.push(personName(rand));
        mRole.push(role);
        // 7919 is prime to 10^8: distinct numbers for every i below 10^8.
        mPhone.push(`139${String((i * 7919 + 1) % 100_000_000).padStart(8, '0')}`);
        mWecom.push(`u${String(i + 1).padStart(6, '0')}`);
      }
    }
    const M = mUnit.length;
    const memberId = new Int32Array(M);
    for (let s = 0; s < M; s += 10_000) {
      const slice = (a: unknown[]) => a.slice(s, s + 10_000);
      const rows = await insertRows(tx, 'members', [
        ['unit_id', 'int', slice(mUnit.map((u) => unitIds[u]))], ['name', 'text', slice(mName)], ['role', 'text', slice(mRole)],
        ['phone', 'text', slice(mPhone)], ['wecom_userid', 'text', slice(mWecom)],
      ], 'id, phone');
      const byPhone = new Map(rows.map((r) => [r.phone as string, r.id as number]));
      for (let i = s; i < Math.min(M, s + 10_000); i++) memberId[i] = byPhone.get(mPhone[i])!;
    }
    await insertRows(tx, 'identities', [
      ['platform', 'text', mWecom.map(() => 'wecom')], ['platform_user_id', 'text', mWecom],
      ['member_id', 'int', Array.from(memberId)], ['source', 'text', mWecom.map(() => 'directory')],
    ]);
    // Leaders: each in charge of every nLeaders-th unit.
    const leaderIdx = mRole.flatMap((r, i) => (r === 'leader' ? [i] : []));
    const leaderOfUnit = uNames.map((_, u) => (u === 0 ? leaderIdx[0] : leaderIdx[(u - 1) % leaderIdx.length]));
    await insertRows(tx, 'leader_units', [
      ['member_id', 'int', uNames.slice(1).map((_, k) => memberId[leaderOfUnit[k + 1]])], ['unit_id', 'int', unitIds.slice(1)],
    ]);
    const headOfUnit = new Int32Array(nUnits);
    mRole.forEach((r, i) => { if (r === 'head') headOfUnit[mUnit[i]] = i; });
    say(`人员 ${M} 人（管理员 ${nAdmins}、分管领导 ${nLeaders}、负责人 ${nUnits}）`);

    await insertRows(tx, 'groups', [
      ['platform', 'text', ['wecom', ...uNames.map(() => 'wecom')]],
      ['chat_id', 'text', ['wrgen-campaign', ...uNames.map((_, u) => `wrgen-unit-${u + 1}`)]],
      ['name', 'text', ['医德医风大讨论工作群', ...uNames.map((n) => `${n}学习群`)]],
      ['scope', 'text', ['campaign', ...uNames.map(() => 'unit')]],
      ['unit_id', 'int', [null, ...unitIds]],
    ]);

    // -------------------------------------------------------------- campaign, phases, tasks, readings
    const [camp] = await insertRows(tx, 'campaigns', [
      ['name', 'text', ['医德医风大讨论']], ['start_date', 'date', [start]], ['end_date', 'date', [end]],
      ['target_minutes', 'int', [40 * 45]], ['target_unit', 'text', ['xueshi']],
    ], 'id');
    const campaignId = camp.id as number;
    // Three phases: two behind us, the third open today until the campaign ends.
    const third = Math.max(1, Math.floor(elapsed / 3));
    const phaseSpec = [
      { seq: 1, name: '学习动员', start, end: addDays(start, third - 1), target: 10 * 45, status: 'closed' },
      { seq: 2, name: '查摆问题', start: addDays(start, third), end: addDays(start, 2 * third - 1), target: 15 * 45, status: 'closed' },
      { seq: 3, name: '整改提高', start: addDays(start, 2 * third), end, target: 15 * 45, status: 'open' },
    ];
    const phaseRows = await insertRows(tx, 'phases', [
      ['campaign_id', 'int', phaseSpec.map(() => campaignId)], ['seq', 'int', phaseSpec.map((p) => p.seq)],
      ['name', 'text', phaseSpec.map((p) => p.name)], ['start_date', 'date', phaseSpec.map((p) => p.start)],
      ['end_date', 'date', phaseSpec.map((p) => p.end)], ['target_minutes', 'int', phaseSpec.map((p) => p.target)],
      ['status', 'text', phaseSpec.map((p) => p.status)],
      ['announced_on', 'date', phaseSpec.map((p) => p.start)],
      ['closed_at', 'timestamptz', phaseSpec.map((p) => (p.status === 'closed' ? at(addDays(p.end, 1), 9, 0) : null))],
    ], 'id, seq');
    const phaseId = phaseSpec.map((p) => phaseRows.find((r) => r.seq === p.seq)!.id as number);
    const taskSpec = [
      { phase: 0, name: '心得体会', audience: 'all', due: phaseSpec[0].end, minChars: 20 },
      { phase: 1, name: '剖析材料', audience: 'heads', due: phaseSpec[1].end, minChars: 50 },
      { phase: 1, name: '对照检查', audience: 'all', due: phaseSpec[1].end, minChars: 30 },
      { phase: 2, name: '整改承诺', audience: 'all', due: addDays(end, -10), minChars: 20 },
    ];
    const taskRows = await insertRows(tx, 'tasks', [
      ['phase_id', 'int', taskSpec.map((t) => phaseId[t.phase])], ['name', 'text', taskSpec.map((t) => t.name)],
      ['audience', 'text', taskSpec.map((t) => t.audience)], ['due_date', 'date', taskSpec.map((t) => t.due)],
      ['min_chars', 'int', taskSpec.map((t) => t.minChars)],
    ], 'id, name');
    const taskId = taskSpec.map((t) => taskRows.find((r) => r.name === t.name)!.id as number);
    const readingSpec = [[0, MATERIALS[0]], [0, MATERIALS[1]], [1, MATERIALS[2]], [1, MATERIALS[4]], [2, MATERIALS[5]], [2, MATERIALS[6]]] as const;
    const readingRows = await insertRows(tx, 'readings', [
      ['phase_id', 'int', readingSpec.map(([p]) => phaseId[p])], ['title', 'text', readingSpec.map(([, t]) => t)],
    ], 'id, title');
    const readingId = readingSpec.map(([, t]) => readingRows.find((r) => r.title === t)!.id as number);
    const phaseOfDay = (day: string) => (day <= phaseSpec[0].end ? 0 : day <= phaseSpec[1].end ? 1 : 2);

    // -------------------------------------------------------------- check-ins
    // Who studies how much: units differ, some people never check in, leaders a little, admins not.
    const activity = new Float64Array(M);
    for (let i = 0; i < M; i++) {
      const f = unitFactor[mUnit[i]];
      const idle = rand() < 0.15 * (1.45 - f);
      const person = 0.3 + 1.4 * rand();
      activity[i] = mRole[i] === 'admin' || idle ? 0 : f * person * (mRole[i] === 'leader' ? 0.4 : mRole[i] === 'head' ? 1.2 : 1);
    }
    const cumulative = new Float64Array(M);
    let acc = 0;
    for (let i = 0; i < M; i++) cumulative[i] = acc += activity[i];
    const pickMember = () => {
      const x = rand() * acc;
      let lo = 0;
      let hi = M - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid] > x) hi = mid; else lo = mid + 1;
      }
      return lo;
    };
    const days = Array.from({ length: daysBetween(start, yesterday) + 1 }, (_, k) => addDays(start, k));
    // Fewer on weekends; the count per day adds up to exactly the number asked.
    const dayWeight = days.map((d) => {
      const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
      return (wd === 0 || wd === 6 ? 0.35 : 1) * (0.9 + 0.2 * rand());
    });
    const dwSum = dayWeight.reduce((a, b) => a + b, 0);
    const perDay = dayWeight.map((w) => Math.floor((o.checkins * w) / dwSum));
    for (let k = 0, rest = o.checkins - perDay.reduce((a, b) => a + b, 0); rest > 0; k = (k + 1) % perDay.length, rest--) perDay[k]++;

    const ck = new Batch(tx, 'checkins', [
      ['campaign_id', 'int'], ['phase_id', 'int'], ['member_id', 'int'], ['unit_id', 'int'], ['study_date', 'date'],
      ['minutes', 'int'], ['material', 'text'], ['reflection', 'text'], ['raw_text', 'text'], ['kind', 'text'],
      ['platform', 'text'], ['message_id', 'text'], ['status', 'text'], ['status_reason', 'text'], ['created_at', 'timestamptz'],
    ], o.batchSize ?? 5000);
    const minutesToday = new Int16Array(M);
    let written = 0;
    let nextReport = 100_000;
    for (let d = 0; d < days.length && acc > 0; d++) {
      const day = days[d];
      minutesToday.fill(0);
      // Within a day, in the order they were sent.
      const todays: { i: number; sec: number; minutes: number }[] = [];
      for (let k = 0; k < perDay[d]; k++) {
        const minutes = pick(MINUTES);
        let i = pickMember();
        for (let tries = 0; minutesToday[i] + minutes > DAILY_LIMIT_MINUTES && tries < 20; tries++) i = pickMember();
        if (minutesToday[i] + minutes > DAILY_LIMIT_MINUTES) continue;
        minutesToday[i] += minutes;
        todays.push({ i, sec: Math.floor((7.5 + 14.5 * rand()) * 3600), minutes });
      }
      todays.sort((a, b) => a.sec - b.sec);
      for (const c of todays) {
        const r = rand();
        const material = r < 0.85 ? pick(MATERIALS) : null;
        const reflection = rand() < 0.3 ? pick(REFLECTIONS) : null;
        const makeup = rand() < 0.05 && d < days.length - 2;
        const created = makeup ? at(addDays(day, 1 + Math.floor(rand() * 2)), 8 + Math.floor(rand() * 12), Math.floor(rand() * 60))
          : at(day, Math.floor(c.sec / 3600), Math.floor(c.sec / 60) % 60, c.sec % 60);
        const s = rand();
        const status = s < 0.015 ? 'revoked' : s < 0.018 ? 'void' : 'valid';
        const raw = `${makeup ? `${day} ` : ''}${material ? `学习《${material}》 ` : ''}${formatMinutes(c.minutes)}${reflection ? ` 心得：${reflection}` : ''}`;
        const p = rand();
        await ck.add(campaignId, phaseId[phaseOfDay(day)], memberId[c.i], unitIds[mUnit[c.i]], day, c.minutes, material, reflection, raw,
          makeup ? 'makeup' : 'self', p < 0.9 ? 'wecom' : p < 0.98 ? 'dingtalk' : 'console', `gen-${written + 1}`,
          status, status === 'revoked' ? '本人撤销' : status === 'void' ? '重复打卡，已作废' : null, created);
        written++;
      }
      if (written >= nextReport) { say(`打卡 ${written}/${o.checkins}`); nextReport += 100_000; }
    }
    await ck.flush();
    say(`打卡 ${written} 条（${days.length} 天）`);

    // -------------------------------------------------------------- submissions, readings done
    const counted = (i: number) => mRole[i] === 'staff' || mRole[i] === 'head';
    const sub = new Batch(tx, 'submissions', [['task_id', 'int'], ['member_id', 'int'], ['unit_id', 'int'], ['content', 'text'],
      ['chars', 'int'], ['platform', 'text'], ['created_at', 'timestamptz']]);
    let submissions = 0;
    for (let k = 0; k < taskSpec.length; k++) {
      const t = taskSpec[k];
      const ph = phaseSpec[t.phase];
      const last = ph.end < yesterday ? ph.end : yesterday;
      if (ph.start > last) continue;
      const span = daysBetween(ph.start, last) + 1;
      const share = ph.status === 'closed' ? 0.8 : 0.3;
      for (let i = 0; i < M; i++) {
        if (!counted(i) || (t.audience === 'heads' && mRole[i] !== 'head')) continue;
        if (rand() >= share * Math.min(1, activity[i] + 0.2)) continue;
        const content = `${t.name}：${pick(REFLECTIONS)}。${pick(MEASURES)}。${pick(REFLECTIONS)}，今后要${pick(REFLECTIONS)}。`;
        await sub.add(taskId[k], memberId[i], unitIds[mUnit[i]], content, [...content].length, 'wecom',
          at(addDays(ph.start, Math.floor(rand() * span)), 8 + Math.floor(rand() * 13), Math.floor(rand() * 60)));
        submissions++;
      }
    }
    await sub.flush();
    const rd = new Batch(tx, 'readings_done', [['member_id', 'int'], ['reading_id', 'int'], ['created_at', 'timestamptz']]);
    let readingsDone = 0;
    for (let i = 0; i < M; i++) {
      if (activity[i] === 0) continue;
      for (let k = 0; k < readingSpec.length; k++) {
        const ph = phaseSpec[readingSpec[k][0]];
        if (ph.start > yesterday || rand() >= 0.6) continue;
        const last = ph.end < yesterday ? ph.end : yesterday;
        await rd.add(memberId[i], readingId[k], at(addDays(ph.start, Math.floor(rand() * (daysBetween(ph.start, last) + 1))), 12, 0));
        readingsDone++;
      }
    }
    await rd.flush();
    say(`任务提交 ${submissions} 份，必读完成 ${readingsDone} 条`);

    // -------------------------------------------------------------- feedback
    const nFeedback = Math.round(M / 50);
    const fb = new Batch(tx, 'feedback', [['kind', 'text'], ['anonymous', 'bool'], ['member_id', 'int'], ['unit_id', 'int'], ['content', 'text'],
      ['status', 'text'], ['answer', 'text'], ['answered_at', 'timestamptz'], ['query_code_hash', 'text'], ['created_on', 'date'], ['created_at', 'timestamptz']]);
    for (let k = 0; k < nFeedback; k++) {
      const i = Math.floor(rand() * M);
      const anonymous = rand() < 0.3;
      const day = days[Math.floor(rand() * days.length)];
      const s = rand();
      const status = s < 0.3 ? 'open' : s < 0.45 ? 'forwarded' : s < 0.8 ? 'answered' : 'closed';
      const answered = status === 'answered' || (status === 'closed' && rand() < 0.7);
      const answerDay = addDays(day, 1 + Math.floor(rand() * 5)) < today ? addDays(day, 1 + Math.floor(rand() * 5)) : yesterday;
      await fb.add(pick(['意见', '建议', '反馈']), anonymous, anonymous ? null : memberId[i], unitIds[mUnit[i]], pick(FEEDBACK_TEXT), status,
        answered ? '已收到，正在研究落实，感谢您的意见。' : null, answered ? at(answerDay < day ? day : answerDay, 16, 30) : null,
        anonymous ? createHash('sha256').update(`Q${k}-${Math.floor(rand() * 1e9)}`).digest('hex') : null,
        day, anonymous ? null : at(day, 10, Math.floor(rand() * 60)));
    }
    await fb.flush();

    // -------------------------------------------------------------- rectification items
    const rc: Col[] = [['campaign_id', 'int', []], ['unit_id', 'int', []], ['problem', 'text', []], ['measures', 'text', []], ['leader_name', 'text', []],
      ['leader_member_id', 'int', []], ['owner_member_id', 'int', []], ['deadline', 'date', []], ['category', 'text', []], ['term', 'text', []],
      ['status', 'text', []], ['created_at', 'timestamptz', []], ['closed_at', 'timestamptz', []]];
    const categories = ['立即整改', '限期整改', '说明原因', '多部门协同', '长期坚持'];
    for (let u = 1; u < nUnits; u++) {
      const n = 3 + Math.floor(rand() * 5);
      for (let k = 0; k < n; k++) {
        const j = Math.floor(rand() * PROBLEMS.length);
        const createdDay = addDays(start, Math.floor(rand() * Math.min(10, elapsed)));
        const deadline = addDays(createdDay, 10 + Math.floor(rand() * (elapsed + 50)));
        const s = rand();
        const status = s < 0.3 ? 'closed' : s < 0.45 ? 'pending' : s < 0.8 ? 'in_progress' : 'not_started';
        const closedDay = addDays(createdDay, 5 + Math.floor(rand() * Math.max(1, daysBetween(createdDay, yesterday) - 4)));
        const leader = leaderOfUnit[u];
        const values = [campaignId, unitIds[u], PROBLEMS[j], MEASURES[j], mName[leader], memberId[leader], memberId[headOfUnit[u]], deadline,
          pick(categories), daysBetween(today, deadline) <= 30 ? '近期' : daysBetween(today, deadline) <= 90 ? '中期' : '远期', status,
          at(createdDay, 9, 0), status === 'closed' ? at(closedDay > yesterday ? yesterday : closedDay, 17, 0) : null];
        values.forEach((v, c) => rc[c][2].push(v));
      }
    }
    const items = await insertRows(tx, 'rectifications', rc, 'id, created_at');
    await insertRows(tx, 'rectification_history', [
      ['item_id', 'int', items.map((r) => r.id)], ['created_at', 'timestamptz', items.map((r) => r.created_at)],
      ['actor', 'text', items.map(() => '演示数据')], ['action', 'text', items.map(() => 'create')],
    ]);
    say(`意见建议 ${nFeedback} 条，整改事项 ${items.length} 项`);

    const result: GenerateResult = {
      units: nUnits, members: M, admins: nAdmins, leaders: nLeaders, heads: nUnits, checkins: written, submissions, readingsDone,
      feedback: nFeedback, rectifications: items.length, campaignId, campaignStart: start, campaignEnd: end, today, ms: 0,
    };
    await tx.execute(sql`insert into audit_log (actor, action, target, after)
      values ('cli', 'demo.generate', 'database', ${JSON.stringify({ ...result, seed: o.seed ?? 1 })}::jsonb)`);
    return result;
  }).then(async (r) => {
    // Fresh statistics (the planner must see a million rows, not an empty table) and the
    // visibility map index-only scans need — what autovacuum would leave after such a load.
    say('更新统计信息（VACUUM ANALYZE）…');
    await database.db.execute(sql`vacuum analyze`);
    return { ...r, ms: Date.now() - t0 };
  });
}

export class GenerateError extends Error {}

// ------------------------------------------------------------------------------ the CLI

export const GENERATE_USAGE = `  npm run cli -- demo generate [--units 200] [--members 20000] [--checkins 1000000] [--seed 1]
      生成一个虚构的大型卫健系统（单位、人员、身份绑定、进行中的活动和阶段、打卡、任务提交、意见建议、整改事项），用于压力测试和演示。
      只往空数据库里生成（DATABASE_URL，或 DATA_DIR 下的内置数据库）；同样的参数和种子在同一天生成同样的数据。`;

/** `demo generate …`: returns the exit code. */
export async function demoGenerateCli(args: string[]): Promise<number> {
  const num = (name: string, dflt: number) => {
    const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
    if (i < 0) return dflt;
    const v = args[i].includes('=') ? args[i].slice(args[i].indexOf('=') + 1) : args[i + 1];
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new GenerateError(`${name} 应为整数，收到「${v ?? ''}」。`);
    return n;
  };
  const known = new Set(['--units', '--members', '--checkins', '--seed']);
  const unknown = args.filter((a) => a.startsWith('--') && !known.has(a.split('=')[0]));
  if (unknown.length) throw new GenerateError(`不认识的选项：${unknown.join(' ')}\n${GENERATE_USAGE}`);
  const opts: GenerateOptions = {
    units: num('--units', 200), members: num('--members', 20_000), checkins: num('--checkins', 1_000_000), seed: num('--seed', 1),
    onProgress: (line) => console.log(`  ${line}`),
  };
  const { loadConfig } = await import('./config.ts');
  const { openDatabase } = await import('./db/client.ts');
  const config = loadConfig();
  console.log(`生成演示数据：${opts.units} 个单位、${opts.members} 人、${opts.checkins} 条打卡（种子 ${opts.seed}）`);
  let database: Database;
  let release = async () => {};
  if (config.DATABASE_URL) {
    database = await openDatabase({ databaseUrl: config.DATABASE_URL });
  } else {
    // The embedded database: hold DATA_DIR so a service cannot start underneath us (and refuse if one runs).
    const { acquireDataDirLock } = await import('./infra/datadir-lock.ts');
    const lock = await acquireDataDirLock(config.dataDir, { role: 'cli' });
    release = () => lock.release();
    database = await openDatabase({ pgliteDir: path.join(config.dataDir, 'db') });
  }
  try {
    const r = await generateDemoData(database, opts);
    console.log(`完成，用时 ${(r.ms / 1000).toFixed(1)} 秒：${r.units} 个单位、${r.members} 人、${r.checkins} 条打卡、${r.submissions} 份任务提交、`
      + `${r.feedback} 条意见建议、${r.rectifications} 项整改；活动「医德医风大讨论」${dateCn(r.campaignStart, r.today)} 至 ${dateCn(r.campaignEnd, r.today)}。`);
    console.log('每个人都已绑定企业微信账号 u000001、u000002…（与手机号一一对应），可直接用于回调压测。');
    return 0;
  } finally {
    await database.close();
    await release();
  }
}
