// 测评 in the web console (/console/api/surveys): the campaign's surveys with the units this person
// may see (as /测评 列表: the office all, a 分管领导 theirs, a head or 联络员 their own), and one
// survey's results per unit and group (as /测评 结果), with each unit's public links and QR codes.
import { Router } from 'express';
import { answerError, Refusal } from '../../src/http/console-routes.ts';
import { requireViewer, viewerOf, type FeatureHttpDeps } from '../../src/plugin.ts';
import { activeCampaign } from '../../src/domain/campaigns.ts';
import { isDomainError } from '../../src/domain/errors.ts';
import { parseSurveyCode, surveyBySeq, surveyResults, surveyScope, surveysOf } from '../../src/domain/surveys.ts';
import { KIND_CN, MODE_CN, RATE_FORMULA, STATUS_CN, surveyReplies } from '../../src/domain/messages/surveys.ts';
import { publicPath } from './common.ts';

export function surveyHttp(deps: FeatureHttpDeps): Router {
  const r = Router({ caseSensitive: true });
  const db = deps.database.db;
  r.use('/surveys', requireViewer);

  r.get('/surveys', async (_req, res) => {
    const v = viewerOf(res)!;
    try {
      const out = await db.transaction(async (tx) => {
        const c = await activeCampaign(tx);
        if (!c) throw new Refusal(409, 'no_campaign', surveyReplies.noCampaign());
        return (await surveysOf(tx, c.id)).flatMap((s) => {
          const scope = surveyScope(s, v.role, v.visible);
          if (!scope) return [];
          const units = s.units.filter((u) => scope === 'all' || scope.includes(u.id));
          return [{
            code: s.code, name: s.name, kind: s.kind, kindCn: KIND_CN[s.kind], status: s.status, statusCn: STATUS_CN[s.status], modeCn: MODE_CN[s.mode],
            deadline: s.deadline, threshold: s.threshold, round: s.round, groups: s.groups,
            units: units.map((u) => ({ id: u.id, name: u.name, ballots: u.ballots, questions: u.questions.map((q) => q.text) })),
          }];
        });
      });
      if (!out.length) return void res.json({ surveys: [], message: surveyReplies.noneVisible() });
      res.json({ surveys: out });
    } catch (err) { answerError(res, err); }
  });

  r.get('/surveys/:code', async (req, res) => {
    const v = viewerOf(res)!;
    try {
      const out = await db.transaction(async (tx) => {
        const c = await activeCampaign(tx);
        if (!c) throw new Refusal(409, 'no_campaign', surveyReplies.noCampaign());
        let s;
        try {
          s = await surveyBySeq(tx, c.id, parseSurveyCode(req.params.code));
        } catch (err) {
          if (isDomainError(err, 'survey.bad_ref')) throw new Refusal(400, 'bad_code', err.message);
          if (isDomainError(err, 'survey.not_found')) throw new Refusal(404, 'not_found', err.message);
          throw err;
        }
        const scope = surveyScope(s, v.role, v.visible);
        if (!scope) throw new Refusal(403, 'not_visible', surveyReplies.noneVisible());
        const units = await surveyResults(tx, s, { unitIds: scope === 'all' ? null : scope });
        return {
          code: s.code, name: s.name, kindCn: KIND_CN[s.kind], status: s.status, statusCn: STATUS_CN[s.status], threshold: s.threshold,
          deadline: s.deadline, formula: RATE_FORMULA, groups: s.groups,
          units: units.map((u) => ({
            ...u,
            links: v.role === 'admin' ? s.groups.map((g) => ({ group: g.name, path: publicPath(s, u.unitId, g.name), url: deps.publicBaseUrl ? `${deps.publicBaseUrl}${publicPath(s, u.unitId, g.name)}` : null })) : [],
          })),
        };
      });
      res.json(out);
    } catch (err) { answerError(res, err); }
  });
  return r;
}
