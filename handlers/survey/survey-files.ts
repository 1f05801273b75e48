// /测评 海报 S-01 单位 群体 (a printable QR poster, PNG) and /测评 票码 S-01 单位 群体 50 (one-time
// ballot codes, a printable sheet): sent privately as files; the codes are shown only there.
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import type { Ctx } from '../../src/commands/context.ts';
import { attachExportToOutbox, storeExport } from '../../src/domain/exports.ts';
import { issueCodes, type SurveyInfo } from '../../src/domain/surveys.ts';
import { surveyPage, surveyReplies } from '../../src/domain/messages/surveys.ts';
import { loadSurvey, publicLink, SECTION, surveyGroup, surveyUnit } from './common.ts';
import { codesPng, posterPng } from './poster.ts';

async function sendPng(ctx: Ctx, kind: string, fileName: string, data: Buffer, caption: string, params: Record<string, unknown>) {
  const me = ctx.requireMember();
  const file = await storeExport(ctx.tx, { fileName, mime: 'image/png', data, rows: 1, kind }, { requestedBy: me.id, now: ctx.now, params });
  const key = `${kind}:${file.id}`;
  await ctx.notify(key, { memberId: me.id }, caption);
  await attachExportToOutbox(ctx.tx, key, file.id);
}

function linkOrRefuse(ctx: Ctx, s: SurveyInfo, unitId: number, group: string): string {
  const url = publicLink(ctx.publicBaseUrl, s, unitId, group);
  if (!url) throw new UserError(surveyReplies.needsPublicUrl());
  return url;
}

export const surveyPoster = defineCommand({
  name: 'survey.poster',
  keywords: [['测评', '海报'], ['测评', '二维码']],
  english: [['survey', 'poster']],
  summary: '生成某单位某群体的作答二维码海报（PNG，可打印张贴在服务窗口）',
  section: SECTION,
  slash: true,
  roles: [],
  args: [{ name: 'code', label: '测评编号', type: 'word' }, { name: 'unit', label: '单位', type: 'word' }, { name: 'group', label: '群体', type: 'word' }],
  examples: ['/测评 海报 S-01 县人民医院 服务对象'],
  async run(ctx, a) {
    const s = await loadSurvey(ctx, a.code);
    const u = await surveyUnit(ctx, s, a.unit);
    const group = surveyGroup(s, a.group);
    const url = linkOrRefuse(ctx, s, u.id, group);
    const png = posterPng({
      title: surveyPage.posterTitle({ kind: s.kind }), name: s.name, unit: surveyPage.posterUnit({ unit: u.name }), group: surveyPage.posterGroup({ group }),
      scan: surveyPage.posterScan, note: surveyPage.posterNote({ deadline: s.deadline, today: ctx.today }), url,
    });
    await sendPng(ctx, 'survey:poster', `${s.code}-${u.name}-${group}.png`, png, surveyReplies.posterCaption({ code: s.code, unit: u.name, group }), { survey: s.code, unitId: u.id, group });
    return surveyReplies.posterSent({ code: s.code, unit: u.name, group, inGroup: ctx.session.chatType === 'group' });
  },
});

export const surveyCodesCmd = defineCommand({
  name: 'survey.codes',
  keywords: [['测评', '票码']],
  english: [['survey', 'codes']],
  summary: '为某单位某群体生成一批一次性票码（票码方式），清单私聊发送，可打印裁开分发',
  section: SECTION,
  slash: true,
  roles: [],
  args: [
    { name: 'code', label: '测评编号', type: 'word' }, { name: 'unit', label: '单位', type: 'word' }, { name: 'group', label: '群体', type: 'word' },
    { name: 'count', label: '数量', type: 'int' },
  ],
  examples: ['/测评 票码 S-01 县人民医院 代表委员 50'],
  async run(ctx, a) {
    const s = await loadSurvey(ctx, a.code);
    const u = await surveyUnit(ctx, s, a.unit);
    const group = surveyGroup(s, a.group);
    const url = linkOrRefuse(ctx, s, u.id, group);
    const codes = await issueCodes(ctx.tx, s, u.id, group, a.count);
    // The codes are in the file only: the audit row names how many, never which.
    await ctx.audit('survey.codes', s.code, null, { unit: u.name, group, count: codes.length });
    const png = codesPng({ title: surveyPage.codesTitle({ code: s.code, unit: u.name, group }), hint: surveyPage.codesHint, url, codes });
    await sendPng(ctx, 'survey:codes', `${s.code}-${u.name}-${group}-票码.png`, png, surveyReplies.codesCaption({ code: s.code, unit: u.name, group, count: codes.length }), { survey: s.code, unitId: u.id, group, count: codes.length });
    return surveyReplies.codesSent({ code: s.code, unit: u.name, group, count: codes.length });
  },
});
