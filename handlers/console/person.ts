// A person's page (/console/api/people/:id): their check-ins as they wrote them (with photo
// thumbnails), their submissions with review states, and their leave — scoped as chat is: anyone
// their own, a head their unit, a 分管领导 their units, the office everyone; staff no one else.
// Photos and files are served to the same people (/console/api/attachments/:id).
import { Router, type Response } from 'express';
import { viewerOf, type ConsoleViewer, type FeatureHttpDeps } from '../../src/plugin.ts';
import { memberById, type MemberRow } from '../../src/domain/directory.ts';
import { seesUnit } from '../../src/domain/visibility.ts';
import { campaignTasks, submittedLate } from '../../src/domain/campaigns.ts';
import { owes, peopleFigures } from '../../src/domain/progress.ts';
import { checkinsOfMember } from '../../src/domain/checkins.ts';
import { attachmentById, attachmentsOfCheckins } from '../../src/domain/attachments.ts';
import { latestSubmissionsOf } from '../../src/domain/submissions.ts';
import { overlappingLeaves } from '../../src/domain/leaves.ts';
import { REVIEW_STATUS_CN } from '../../src/domain/messages/submissions.ts';
import { scopeLabel } from '../../src/domain/messages/progress.ts';
import { memberMarksCn } from '../../src/domain/messages/directory.ts';
import { ROLE_CN, type Role } from '../../src/domain/roles.ts';
import { dayOf } from '../../src/time.ts';
import { current } from './views.ts';
import { consoleMessages } from '../../src/domain/messages/console.ts';

const refuse = (res: Response, status: number, error: string, message: string) => void res.status(status).json({ error, message });
const KIND_CN: Record<string, string> = { self: '打卡', makeup: '补卡', group: '集中学习' };

/** Whether this viewer may see this person's records; the refusal's words when not. */
function refusal(v: ConsoleViewer, m: Pick<MemberRow, 'id' | 'unitId'>): string | null {
  if (m.id === v.member.id) return null;
  if (v.role === 'staff') return consoleMessages.staffOwnRecordOnly();
  if (seesUnit(v.visible, m.unitId)) return null;
  return consoleMessages.personNotVisible({ role: v.role, ownUnit: v.member.unitName });
}

export function personRoutes(deps: FeatureHttpDeps): Router {
  const r = Router({ caseSensitive: true });
  const db = deps.database.db;

  r.get('/people/:id', async (req, res) => {
    const v = viewerOf(res)!;
    const id = /^\d{1,9}$/.test(req.params.id) ? Number(req.params.id) : 0;
    if (!id) return refuse(res, 400, 'bad_person', '人员编号不对');
    const m = await memberById(db, id);
    if (!m) return refuse(res, 404, 'person_not_found', '没有这个人');
    const why = refusal(v, m);
    if (why) return refuse(res, 403, 'person_not_visible', why);
    const today = dayOf(deps.clock());
    const person = { id: m.id, name: m.name, unitId: m.unitId, unitName: m.unitName, role: m.role, roleCn: ROLE_CN[m.role as Role], marksCn: memberMarksCn(m), active: m.active };
    const { campaign, phase } = await current(db, today);
    if (!campaign) return void res.json({ person, campaign: null, message: consoleMessages.noCampaignPerson(), today });

    const { scope, people } = await peopleFigures(db, campaign, phase, [m.unitId], today);
    const f = people.find((p) => p.id === m.id);
    const checkins = await checkinsOfMember(db, campaign.id, m.id);
    const files = await attachmentsOfCheckins(db, checkins.map((c) => c.id));
    // Their own tasks (a unit's, one per unit, is on 任务与提交 under the unit).
    const tasks = (await campaignTasks(db, campaign.id)).filter((t) => owes(t, m) === 'person');
    const latest = await latestSubmissionsOf(db, tasks.map((t) => t.id), [m.id]);
    const leaves = await overlappingLeaves(db, m.id, campaign.startDate, campaign.endDate);
    res.json({
      person, today, campaign: { id: campaign.id, name: campaign.name }, scopeLabel: scopeLabel(scope.phaseName), targetMinutes: scope.targetMinutes,
      figures: f ? {
        scopeMinutes: f.scopeMinutes, scopeCheckins: f.scopeCheckins, campaignMinutes: f.campaignMinutes, todayMinutes: f.todayMinutes,
        checkedInToday: f.checkedInToday, weekMinutes: f.weekMinutes, lastCheckin: f.lastCheckin, idleWorkdays: f.idleWorkdays, onLeave: f.onLeave,
      } : null,
      checkins: checkins.map((c) => ({
        id: c.id, date: c.date, minutes: c.minutes, material: c.material, reflection: c.reflection, rawText: c.rawText, kind: c.kind, kindCn: KIND_CN[c.kind] ?? c.kind,
        createdAt: c.createdAt, photos: (files.get(c.id) ?? []).filter((a) => a.type === 'image').map((a) => a.id),
        files: (files.get(c.id) ?? []).filter((a) => a.type !== 'image').length,
      })),
      tasks: tasks.map((t) => {
        const s = latest.get(`${t.id}:${m.id}`);
        return {
          id: t.id, name: t.name, dueDate: t.dueDate, phaseSeq: t.phase.seq,
          submission: s ? { id: s.id, versions: s.versions, status: s.status, statusCn: REVIEW_STATUS_CN[s.status], comment: s.comment, chars: s.chars, hasFiles: s.hasFiles, lastAt: s.lastAt, late: submittedLate(t, s.firstAt) } : null,
        };
      }),
      leaves: leaves.map((l) => ({ id: l.id, startDate: l.startDate, endDate: l.endDate, reason: l.reason, current: l.startDate <= today && l.endDate >= today })),
    });
  });

  // A stored photo or file, to whoever may see its owner's records.
  r.get('/attachments/:id', async (req, res) => {
    const v = viewerOf(res)!;
    const id = /^\d{1,9}$/.test(req.params.id) ? Number(req.params.id) : 0;
    if (!id) return refuse(res, 400, 'bad_attachment', '附件编号不对');
    const a = await attachmentById(db, id);
    const owner = a ? await memberById(db, a.memberId) : null;
    if (!a || !owner) return refuse(res, 404, 'attachment_not_found', '没有这个附件');
    const why = refusal(v, owner);
    if (why) return refuse(res, 403, 'attachment_not_visible', why);
    const name = a.name ?? `附件${a.id}`;
    res.status(200).set({
      'Content-Type': a.mime, 'Content-Length': String(a.data.length), 'Cache-Control': 'private, max-age=600', 'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': `${a.kind === 'image' ? 'inline' : 'attachment'}; filename="attachment-${a.id}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    }).end(a.data);
  });

  return r;
}
