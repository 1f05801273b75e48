// The public H5 page of a questionnaire (/s/<survey>-<unit>-<group>), for people outside the
// directory: no sign-in, Chinese, phone-first, plain server-rendered HTML with a little inline CSS
// and JS, nothing loaded from elsewhere (a Content-Security-Policy says so to the browser).
//
// One honest ballot each, without identity:
// - the page carries a signed form token (HMAC: survey, unit, group, when it was issued, a random
//   nonce); a ballot needs one that is genuine, at least MIN_FILL_MS old (a person read the page),
//   at most TOKEN_TTL_S old, and not used before (the nonce is taken from Redis once);
// - open mode: the browser gets an HttpOnly cookie after its ballot and is refused a second one;
//   each address may send RATE_PER_MINUTE ballots a minute — counted in Redis under a keyed hash of
//   the address that lives a minute (the address itself is never stored or logged);
// - codes mode: a one-time code opens one ballot (its hash is deleted when used).
// Nothing here logs a request, an address or a time; a ballot row has the day only.
import express, { Router, type Request, type Response } from 'express';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FeatureHttpDeps } from '../../src/plugin.ts';
import { sharedSecret } from '../../src/domain/app-secrets.ts';
import { isDomainError } from '../../src/domain/errors.ts';
import { accepting, castBallot, castCodedBallot, publicSurvey, validateBallot, type SurveyInfo } from '../../src/domain/surveys.ts';
import { surveyPage } from '../../src/domain/messages/surveys.ts';
import { dayOf } from '../../src/time.ts';
import { qrSvg } from './poster.ts';

/** At least this long between loading the page and sending it (a person reads the questions). */
export const MIN_FILL_MS = 3_000;
/** A page's token is good for this long. */
export const TOKEN_TTL_S = 2 * 3600;
/** Ballots a minute from one address (a hall behind one NAT still gets through; a script is slowed). */
export const RATE_PER_MINUTE = Number(process.env.SURVEY_BALLOTS_PER_ADDRESS_PER_MINUTE ?? 30);

/** How long a page's reading of its survey is reused (ms). */
const CACHE_MS = Number(process.env.SURVEY_PAGE_CACHE_MS ?? 1000);
const REF = /^(\d{1,9})-(\d{1,9})-(\d{1,2})$/;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const cookieName = (s: { id: number }, unitId: number) => `sv${s.id}u${unitId}`;
const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const STYLE = `*{box-sizing:border-box}body{margin:0;font:16px/1.6 -apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#f5f5f5;color:#222}
header{background:#c0262d;color:#fff;padding:18px 16px}header h1{margin:0;font-size:20px}header p{margin:6px 0 0;font-size:14px;opacity:.9}
main{padding:12px;max-width:640px;margin:0 auto}.q{background:#fff;border-radius:10px;padding:14px;margin:0 0 12px}.q h2{font-size:16px;margin:0 0 10px;font-weight:600}
.opts{display:flex;gap:8px}.opts label{flex:1}.opts input{position:absolute;opacity:0}.opts span{display:block;text-align:center;padding:12px 4px;border:1px solid #ccc;border-radius:8px;font-size:15px}
.opts input:checked+span{background:#c0262d;color:#fff;border-color:#c0262d}textarea,input[type=text]{width:100%;font:inherit;padding:10px;border:1px solid #ccc;border-radius:8px}
textarea{min-height:90px}button{width:100%;padding:14px;font-size:18px;border:0;border-radius:10px;background:#c0262d;color:#fff;margin:6px 0 12px}button[disabled]{opacity:.6}
.note{font-size:13px;color:#777;text-align:center}.msg{background:#fff;border-radius:10px;padding:28px 16px;text-align:center;margin-top:24px}.err{color:#c0262d;min-height:1.6em}`;

function page(title: string, body: string, script = ''): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${esc(title)}</title><style>${STYLE}</style></head><body>${body}${script ? `<script>${script}</script>` : ''}</body></html>`;
}
const message = (title: string, text: string) => page(title, `<header><h1>${esc(title)}</h1></header><main><div class="msg" id="msg">${esc(text)}</div></main>`);

export function surveyPublicHttp(deps: FeatureHttpDeps): Router {
  const r = Router({ caseSensitive: true });
  const db = deps.database.db;
  let secret: Promise<string> | null = null;
  const key = () => (secret ??= db.transaction((tx) => sharedSecret(tx, 'survey-form')).catch((e) => { secret = null; throw e; }));
  const mac = async (text: string) => createHmac('sha256', await key()).update(text).digest('base64url');

  const answer = (res: Response, status: number, title: string, text: string) => {
    res.status(status).set({ 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }).type('html').send(message(title, text));
  };

  // A page's survey as read within the last second (a busy hall asks for the same one hundreds of
  // times a second); a ballot is written only if the database says the survey is still open.
  const recent = new Map<string, { at: number; s: SurveyInfo | null }>();
  async function read(id: number, unitId: number): Promise<SurveyInfo | null> {
    const k = `${id}-${unitId}`;
    const hit = recent.get(k);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.s;
    const s = await publicSurvey(db, id, unitId);
    if (recent.size > 1000) recent.clear();
    recent.set(k, { at: Date.now(), s });
    return s;
  }

  /** The survey, unit and group a ref names, or null. */
  async function target(ref: string): Promise<{ s: SurveyInfo; unit: SurveyInfo['units'][number]; group: string; gi: number } | null> {
    const m = REF.exec(ref);
    if (!m) return null;
    const s = await read(Number(m[1]), Number(m[2]));
    const unit = s?.units[0];
    const group = s?.groups[Number(m[3])]?.name;
    return s && unit && group ? { s, unit, group, gi: Number(m[3]) } : null;
  }

  r.get('/:ref', async (req, res) => {
    try {
      if (req.params.ref.endsWith('.svg')) {
        // The QR code of a page, for the console to show.
        const t = await target(req.params.ref.slice(0, -4));
        if (!t || !deps.publicBaseUrl) return void res.status(404).type('text').send(surveyPage.notFound);
        return void res.type('image/svg+xml').set('Cache-Control', 'no-store').send(qrSvg(`${deps.publicBaseUrl}/s/${req.params.ref.slice(0, -4)}`));
      }
      const t = await target(req.params.ref);
      if (!t) return answer(res, 404, surveyPage.notFound, surveyPage.notFound);
      const { s, unit, group } = t;
      const title = surveyPage.title({ name: s.name });
      if (!accepting(s, dayOf(deps.clock()))) return answer(res, 410, title, surveyPage.closed);
      if (s.mode === 'open' && req.get('cookie')?.split(/;\s*/).some((c) => c.startsWith(`${cookieName(s, unit.id)}=`))) return answer(res, 409, title, surveyPage.already);
      const nonce = randomBytes(12).toString('base64url');
      const body = `${s.id}.${unit.id}.${t.gi}.${deps.clock().getTime()}.${nonce}`;
      const token = `${body}.${await mac(body)}`;
      await deps.ephemeral.put(`svt:${nonce}`, '1', TOKEN_TTL_S);
      const qs = unit.questions.map((q, i) => `<section class="q"><h2>${i + 1}. ${esc(q.text)}</h2><div class="opts">${
        [2, 1, 0].map((v) => `<label><input type="radio" name="a${i}" value="${v}"><span>${surveyPage.ratings[v]}</span></label>`).join('')}</div></section>`).join('');
      const html = page(title, `<header><h1>${esc(s.name)}</h1><p>${esc(surveyPage.intro({ unit: unit.name, kind: s.kind, group }))}</p></header>
<main><form method="post" id="f"><input type="hidden" name="t" value="${esc(token)}">
${s.mode === 'codes' ? `<section class="q"><h2>${surveyPage.code}</h2><input type="text" name="code" autocomplete="off" autocapitalize="characters" placeholder="${surveyPage.codePlaceholder}" required maxlength="20"></section>` : ''}
${qs}<section class="q"><h2>${surveyPage.comment}</h2><textarea name="comment" maxlength="500" placeholder="${surveyPage.commentPlaceholder}"></textarea></section>
<div class="err" id="err"></div><button type="submit" id="b">${surveyPage.submit}</button><p class="note">${surveyPage.privacy}</p></form></main>`,
      `document.getElementById('f').addEventListener('submit',function(e){var n=${unit.questions.length};for(var i=0;i<n;i++){if(!document.querySelector('input[name=a'+i+']:checked')){e.preventDefault();document.getElementById('err').textContent=${JSON.stringify(surveyPage.pickAll)};return;}}var b=document.getElementById('b');setTimeout(function(){b.disabled=true;b.textContent=${JSON.stringify(surveyPage.submitting)};},0);});`);
      res.status(200).set({ 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }).type('html').send(html);
    } catch (err) {
      failed(res, err);
    }
  });

  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 80 });
  r.post('/:ref', form, async (req, res) => {
    try {
      const t = await target(req.params.ref);
      if (!t) return answer(res, 404, surveyPage.notFound, surveyPage.notFound);
      const { s, unit, group } = t;
      const title = surveyPage.title({ name: s.name });
      const now = deps.clock();
      const today = dayOf(now);
      if (!accepting(s, today)) return answer(res, 410, title, surveyPage.closed);
      // Per address, under a keyed hash that lives a minute: the address is never kept.
      const addr = await mac(`addr:${req.ip ?? req.socket.remoteAddress ?? ''}`);
      if (await deps.ephemeral.incr(`svrl:${addr}`, 60) > RATE_PER_MINUTE) {
        res.set('Retry-After', '60');
        return answer(res, 429, title, surveyPage.rateLimited);
      }
      if (s.mode === 'open' && req.get('cookie')?.split(/;\s*/).some((c) => c.startsWith(`${cookieName(s, unit.id)}=`))) return answer(res, 409, title, surveyPage.already);
      const b = (req.body ?? {}) as Record<string, unknown>;
      // The form token: genuine, for this page, old enough, not too old.
      const parts = typeof b.t === 'string' ? b.t.split('.') : [];
      if (parts.length !== 6) return answer(res, 400, title, surveyPage.tokenBad);
      const [sid, uid, gi, issued, nonce, sig] = parts;
      const want = Buffer.from(await mac(parts.slice(0, 5).join('.')));
      const got = Buffer.from(sig);
      if (got.length !== want.length || !timingSafeEqual(got, want) || Number(sid) !== s.id || Number(uid) !== unit.id || Number(gi) !== t.gi) {
        return answer(res, 400, title, surveyPage.tokenBad);
      }
      const age = now.getTime() - Number(issued);
      if (!(age >= MIN_FILL_MS)) return answer(res, 400, title, surveyPage.tooFast);
      if (age > TOKEN_TTL_S * 1000) return answer(res, 400, title, surveyPage.expired);
      const answers = unit.questions.map((_, i) => {
        const v = b[`a${i}`];
        return typeof v === 'string' && /^[012]$/.test(v) ? Number(v) : null;
      });
      if (Object.keys(b).some((k) => /^a\d+$/.test(k) && Number(k.slice(1)) >= unit.questions.length)) answers.push(null);
      const comment = typeof b.comment === 'string' ? b.comment : null;
      const code = typeof b.code === 'string' ? b.code : '';
      if (s.mode === 'codes' && !code.trim()) return answer(res, 400, title, surveyPage.badRequest);
      const ballot = { unitId: unit.id, group, answers, comment };
      const outcome = await (async () => {
        // A ballot that would be refused leaves the token usable (the person corrects it and sends again).
        validateBallot(s, ballot, today);
        if (s.mode === 'codes') {
          // The code is checked and spent with the ballot; the token after it, so a wrong code costs no reload.
          await db.transaction(async (tx) => {
            await castCodedBallot(tx, s, code, ballot, today);
            if ((await deps.ephemeral.take(`svt:${nonce}`)) === null) throw new SpentToken();
          });
        } else {
          // Two sends of one page: one ballot (the token is taken before anything is written).
          if ((await deps.ephemeral.take(`svt:${nonce}`)) === null) throw new SpentToken();
          await castBallot(db, s, ballot, today);
        }
        return 'ok' as const;
      })().catch((err) => {
        if (err instanceof SpentToken) return 'spent' as const;
        if (isDomainError(err)) return err;
        throw err;
      });
      if (outcome === 'spent') return answer(res, 409, title, surveyPage.expired);
      if (outcome !== 'ok' && isDomainError(outcome)) return answer(res, isDomainError(outcome, 'survey.closed') ? 410 : isDomainError(outcome, 'survey.code_invalid') ? 403 : 400, title, outcome.message);
      if (s.mode === 'open') res.cookie(cookieName(s, unit.id), '1', { httpOnly: true, sameSite: 'lax', path: '/s/', maxAge: 180 * 86400_000, secure: req.secure });
      answer(res, 200, surveyPage.thanksTitle, surveyPage.thanks);
    } catch (err) {
      failed(res, err);
    }
  });

  // Only the error's class and code: nothing of the request (address, time, answers) reaches the log.
  function failed(res: Response, err: unknown) {
    const e = err as { name?: string; code?: string };
    deps.log.error({ errName: e?.name, errCode: e?.code }, 'survey public page failed');
    if (!res.headersSent) answer(res, 500, surveyPage.error, surveyPage.error);
  }
  r.use((err: Error & { status?: number }, _req: Request, res: Response, _next: express.NextFunction) => {
    if (err.status === 413 || (err.status && err.status < 500)) return answer(res, err.status === 413 ? 413 : 400, surveyPage.badRequest, surveyPage.badRequest);
    failed(res, err);
  });
  return r;
}

class SpentToken extends Error {}
