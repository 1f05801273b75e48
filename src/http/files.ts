// Download links for exports: GET /files/:id?exp=…&sig=…, and for pictures (the circular's chart) GET /images/:id?exp=…&sig=…,
// signed with an HMAC over the id and the expiry, so a link opens that one file only, and only until it expires. The signature
// and expiry are checked before anything is read from the database.
import { Router, type Response } from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Database } from '../db/client.ts';
import { countDownload, exportFileById } from '../domain/exports.ts';
import { imageById } from '../domain/images.ts';
import type { Clock } from '../time.ts';

export class FileLinks {
  /** PUBLIC_BASE_URL; links are only made when it is set. */
  baseUrl: string | null;

  constructor(private readonly secret: string, baseUrl?: string | null) {
    this.baseUrl = baseUrl ? baseUrl.replace(/\/+$/, '') : null;
  }

  sign(id: number, exp: number, what: 'export-file' | 'image' = 'export-file'): string {
    return createHmac('sha256', this.secret).update(`${what}\n${id}\n${exp}`).digest('base64url');
  }

  /** The signed link to a picture (the circular's chart: DingTalk shows it from the link), until `expiresAt`; null without a public address. */
  imageLink(id: number, expiresAt: Date): string | null {
    if (!this.baseUrl) return null;
    const exp = Math.floor(expiresAt.getTime() / 1000);
    return `${this.baseUrl}/images/${id}?exp=${exp}&sig=${this.sign(id, exp, 'image')}`;
  }

  /** The signed link for a file, valid until `expiresAt`; null without a public address. */
  link(id: number, expiresAt: Date): string | null {
    if (!this.baseUrl) return null;
    const exp = Math.floor(expiresAt.getTime() / 1000);
    return `${this.baseUrl}/files/${id}?exp=${exp}&sig=${this.sign(id, exp)}`;
  }

  verify(id: number, exp: number, sig: string, what: 'export-file' | 'image' = 'export-file'): boolean {
    const want = Buffer.from(this.sign(id, exp, what));
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
      'Content-Disposition': contentDisposition(file.fileName),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    }).end(file.data);
  });
  // A picture (the circular's chart), shown in place: DingTalk fetches it from the link, a browser opens it.
  r.get('/images/:id', async (req, res) => {
    const id = Number(req.params.id);
    const exp = Number(req.query.exp);
    const sig = typeof req.query.sig === 'string' ? req.query.sig : '';
    if (!Number.isSafeInteger(id) || id <= 0 || !Number.isSafeInteger(exp) || !sig || !links.verify(id, exp, sig, 'image')) {
      return refuse(res, 403, '图片链接无效。');
    }
    if (exp * 1000 <= clock().getTime()) return refuse(res, 410, '图片链接已过期。');
    const image = await imageById(database.db, id);
    if (!image || image.expiresAt.getTime() <= clock().getTime()) return refuse(res, 410, '图片已过期并删除。');
    res.status(200).set({
      'Content-Type': image.mime,
      'Content-Length': String(image.data.length),
      'Content-Disposition': contentDisposition(image.fileName).replace(/^attachment/, 'inline'),
      'Cache-Control': 'private, max-age=86400',
      'X-Content-Type-Options': 'nosniff',
    }).end(image.data);
  });
  return r;
}
