// Download links for exports (and the circular's chart, a PNG served inline): GET /files/:id?exp=…&sig=…, signed with an HMAC over the file id
// and the expiry, so a link opens that one file only, and only until it expires. The signature
// and expiry are checked before anything is read from the database.
import { Router, type Response } from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Database } from '../db/client.ts';
import { countDownload, exportFileById } from '../domain/exports.ts';
import type { Clock } from '../time.ts';

export class FileLinks {
  /** PUBLIC_BASE_URL; links are only made when it is set. */
  baseUrl: string | null;

  constructor(private readonly secret: string, baseUrl?: string | null) {
    this.baseUrl = baseUrl ? baseUrl.replace(/\/+$/, '') : null;
  }

  sign(id: number, exp: number): string {
    return createHmac('sha256', this.secret).update(`export-file\n${id}\n${exp}`).digest('base64url');
  }

  /** The signed link for a file, valid until `expiresAt`; null without a public address. */
  link(id: number, expiresAt: Date): string | null {
    if (!this.baseUrl) return null;
    const exp = Math.floor(expiresAt.getTime() / 1000);
    return `${this.baseUrl}/files/${id}?exp=${exp}&sig=${this.sign(id, exp)}`;
  }

  verify(id: number, exp: number, sig: string): boolean {
    const want = Buffer.from(this.sign(id, exp));
    const given = Buffer.from(sig);
    return given.length === want.length && timingSafeEqual(given, want);
  }
}

/** Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987 filename*). */
export function contentDisposition(name: string): string {
  const ext = /\.[A-Za-z0-9]{1,8}$/.exec(name)?.[0] ?? '';
  const ascii = name.replace(/[^\x20-\x7e]/g, '').replace(/["\\;]/g, '').trim();
  // 整改台账_截至2026-12-16.xlsx → export_2026-12-16.xlsx for clients without filename*.
  const fallback = !/[A-Za-z0-9]/.test(ascii.slice(0, ascii.length - ext.length)) ? `export${ext}`
    : /^[A-Za-z0-9]/.test(ascii) ? ascii : `export${ascii}`;
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

const refuse = (res: Response, status: number, text: string) =>
  res.status(status).type('text/plain; charset=utf-8').set('Cache-Control', 'no-store').send(text);

export function filesRouter(database: Database, links: FileLinks, clock: Clock): Router {
  const r = Router({ caseSensitive: true });
  r.get('/files/:id', async (req, res) => {
    const id = Number(req.params.id);
    const exp = Number(req.query.exp);
    const sig = typeof req.query.sig === 'string' ? req.query.sig : '';
    if (!Number.isSafeInteger(id) || id <= 0 || !Number.isSafeInteger(exp) || !sig || !links.verify(id, exp, sig)) {
      return refuse(res, 403, '下载链接无效。请在聊天中重新发送导出命令获取新链接。');
    }
    if (exp * 1000 <= clock().getTime()) return refuse(res, 410, '下载链接已过期。请在聊天中重新发送导出命令。');
    const file = await exportFileById(database.db, id);
    // Swept, or kept past its time only because its message was still queued.
    if (!file || file.expiresAt.getTime() <= clock().getTime()) return refuse(res, 410, '文件已过期并删除。请在聊天中重新发送导出命令。');
    await countDownload(database.db, id);
    res.status(200).set({
      'Content-Type': file.mime,
      'Content-Length': String(file.data.length),
      // A picture (the circular's chart) opens in place: DingTalk and browsers show it from the link.
      'Content-Disposition': file.mime.startsWith('image/') ? contentDisposition(file.fileName).replace(/^attachment/, 'inline') : contentDisposition(file.fileName),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    }).end(file.data);
  });
  return r;
}
