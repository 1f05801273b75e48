// /测评 列表 and /测评 查看 S-01: the campaign's surveys (the units a person sees), one with its questions and links.
import { defineCommand } from '../../src/commands/registry.ts';
import { surveyScope, surveysOf } from '../../src/domain/surveys.ts';
import { visibleUnits } from '../../src/domain/visibility.ts';
import { surveyReplies } from '../../src/domain/messages/surveys.ts';
import { loadSurvey, publicLink, SECTION, viewScope } from './common.ts';

export const surveyList = defineCommand({
  name: 'survey.list',
  keywords: [['测评', '列表']],
  english: [['survey', 'list']],
  summary: '查看本活动的测评（负责人只看到本单位的）',
  section: SECTION,
  roles: ['head', 'leader', 'liaison'],
  args: [],
  examples: ['/测评 列表'],
  async run(ctx) {
    const c = ctx.requireCampaign();
    const me = ctx.requireMember();
    const visible = await visibleUnits(ctx.tx, { role: ctx.role, id: me.id, unitId: me.unitId, liaison: me.liaison });
    const seen = (await surveysOf(ctx.tx, c.id)).flatMap((s) => {
      const scope = surveyScope(s, ctx.role, visible);
      return scope ? [scope === 'all' ? s : { ...s, units: s.units.filter((u) => scope.includes(u.id)) }] : [];
    });
    if (!seen.length) return surveyReplies.listEmpty();
    return surveyReplies.list({ surveys: seen, today: ctx.today });
  },
});

export const surveyShow = defineCommand({
  name: 'survey.show',
  keywords: [['测评', '查看'], ['测评', '详情']],
  english: [['survey', 'show']],
  summary: '查看一个测评：题目、群体、各单位票数和作答链接',
  section: SECTION,
  roles: ['head', 'leader', 'liaison'],
  args: [{ name: 'code', label: '测评编号', type: 'word' }],
  examples: ['/测评 查看 S-01'],
  async run(ctx, { code }) {
    const s = await loadSurvey(ctx, code);
    const scope = await viewScope(ctx, s);
    const shown = scope === 'all' ? s : { ...s, units: s.units.filter((u) => scope.includes(u.id)) };
    return surveyReplies.show({ s: shown, today: ctx.today, link: (unitId, group) => publicLink(ctx.publicBaseUrl, s, unitId, group) });
  },
});
