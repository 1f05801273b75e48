// /测评 新建 名称 对象：单位… 类型：满意度|民主评议|群众评议 截止：日期 [群体：服务对象70 党员干部30]
// [方式：开放|票码] [补课线：80] — a questionnaire per unit (满意度 from the template, 评议 the unit's
// ledger items), after 确认; editable (/测评 题目) until it opens.
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import {
  createSurvey, defaultGroups, defaultItems, DEFAULT_THRESHOLD, kindFrom, modeFrom, nextSurveySeq, parseGroups, parseThreshold,
  questionsFor, surveyCode, validateSurvey,
} from '../../src/domain/surveys.ts';
import { surveyReplies } from '../../src/domain/messages/surveys.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';
import { SECTION, splitNames } from './common.ts';

const payloadSchema = z.object({
  campaignId: rowId, name: z.string(), kind: z.enum(['satisfaction', 'democratic', 'mass']), deadline: day, mode: z.enum(['open', 'codes']),
  threshold: z.number(), items: z.array(z.string()), groups: z.array(z.object({ name: z.string(), weight: z.number() })),
  units: z.array(z.object({ id: rowId, name: z.string() })),
});

export default defineCommand({
  name: 'survey.new',
  keywords: [['测评', '新建'], ['测评', '新增'], ['评议', '新建']],
  english: [['survey', 'new']],
  summary: '新建满意度测评或民主评议、群众评议：测评对象、类型、截止日期，可设群体权重、票码方式和补课线',
  section: SECTION,
  slash: true,
  roles: [],
  args: [
    { name: 'name', label: '名称', type: 'rest' },
    { name: 'units', label: '对象', type: 'rest', labelled: true, labelAliases: ['单位', '测评对象', '评议对象'] },
    { name: 'kind', label: '类型', type: 'word', labelled: true },
    { name: 'deadline', label: '截止', type: 'date', direction: 'future', labelled: true, labelAliases: ['截止日期', '截至'] },
    { name: 'groups', label: '群体', type: 'rest', labelled: true, optional: true, labelAliases: ['参评群体', '权重'] },
    { name: 'mode', label: '方式', type: 'word', labelled: true, optional: true },
    { name: 'threshold', label: '补课线', type: 'word', labelled: true, optional: true, labelAliases: ['门槛', '补课'] },
  ],
  examples: [
    '/测评 新建 群众满意度测评 对象：县人民医院、县中医院 类型：满意度 截止：12月31日',
    '/测评 新建 民主评议 对象：县人民医院 类型：民主评议 截止：12月31日 群体：代表委员30 党员干部30 服务对象30 下级单位10 方式：票码',
  ],
  async run(ctx, a) {
    const c = ctx.requireCampaign();
    const kind = kindFrom(a.kind);
    const mode = a.mode ? modeFrom(a.mode) : 'open';
    const threshold = a.threshold ? parseThreshold(a.threshold) : DEFAULT_THRESHOLD;
    const groups = a.groups ? parseGroups(a.groups) : defaultGroups(kind);
    const units: { id: number; name: string }[] = [];
    for (const n of splitNames(a.units)) {
      const u = await ctx.resolveUnit(n);
      if (!units.some((x) => x.id === u.id)) units.push({ id: u.id, name: u.name });
    }
    const name = a.name.trim();
    validateSurvey({ name, unitIds: units.map((u) => u.id), deadline: a.deadline, groups }, ctx.today);
    const items = defaultItems();
    const shown = [];
    for (const u of units) shown.push({ name: u.name, questions: await questionsFor(ctx.tx, c.id, kind, u.id, items) });
    const code = surveyCode(await nextSurveySeq(ctx.tx, c.id));
    return {
      preview: surveyReplies.newPreview({ code, name, kind, deadline: a.deadline, mode, threshold, groups, units: shown, today: ctx.today }),
      payload: { campaignId: c.id, name, kind, deadline: a.deadline, mode, threshold, items, groups, units },
    };
  },
  payload: payloadSchema,
  async commit(ctx, p) {
    const c = ctx.requireCampaign();
    if (c.id !== p.campaignId) throw new UserError(surveyReplies.campaignChanged());
    const me = ctx.requireMember();
    const row = await createSurvey(ctx.tx, { ...p, unitIds: p.units.map((u) => u.id), createdBy: me.id }, ctx.now, ctx.today);
    const code = surveyCode(row.seq);
    await ctx.audit('survey.new', code, null, { name: p.name, kind: p.kind, deadline: p.deadline, mode: p.mode, groups: p.groups, units: p.units.map((u) => u.name) });
    return surveyReplies.created({ code, name: p.name });
  },
});
