// The console's API over plain HTTP, as a signed-in person: the service's HTTP app on a free port,
// signing in through the link 登录 answers in chat, and GET / POST with the session's cookie and
// CSRF token (the API tests of the console's pages share this).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import pino from 'pino';
import { createHttpApp } from '../../src/http/server.ts';
import type { TestBot } from './test-bot.ts';

export interface Res { status: number; body: any; text: string; headers: Headers; bytes: Buffer }
export type Signed = { cookie: string; csrf: string };

export interface ConsoleApi {
  base: string;
  /** Any request under /console/api, with what is given (no cookie, no CSRF token unless passed);
   *  `raw` is sent as it is: bytes as a file (an upload), a string as JSON (malformed on purpose). */
  http(method: string, path: string, opts?: { cookie?: string; csrf?: string; body?: unknown; raw?: Buffer | string; accept?: string }): Promise<Res>;
  /** Signs in as this person (once per name). */
  as(name: string): Promise<Signed>;
  get(name: string, path: string, opts?: { accept?: string }): Promise<Res>;
  /** A write with the session's CSRF token. */
  post(name: string, path: string, body?: unknown): Promise<Res>;
  close(): Promise<void>;
}

let ip = 0;

export async function consoleApi(bot: TestBot): Promise<ConsoleApi> {
  const webDir = mkdtempSync(join(tmpdir(), 'console-web-'));
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>控制台</title>');
  const web = createHttpApp(bot.app, { log: pino({ level: 'silent' }), trustProxy: 'loopback', webDir });
  const server = await new Promise<Server>((resolve) => { const s = web.listen(0, '127.0.0.1', () => resolve(s)); });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sessions: Record<string, Signed> = {};

  const api: ConsoleApi = {
    base,
    async http(method, path, opts = {}) {
      const headers: Record<string, string> = { 'x-forwarded-for': '198.51.100.1', accept: opts.accept ?? 'application/json' };
      if (opts.cookie) headers.cookie = opts.cookie;
      if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
      if (opts.body !== undefined || typeof opts.raw === 'string') headers['content-type'] = 'application/json';
      if (Buffer.isBuffer(opts.raw)) headers['content-type'] = 'application/octet-stream';
      const raw = typeof opts.raw === 'string' ? opts.raw : opts.raw && new Uint8Array(opts.raw);
      const res = await fetch(base + '/console/api' + path, { method, headers, body: raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)) });
      const bytes = Buffer.from(await res.arrayBuffer());
      const text = bytes.toString('utf8');
      let body: any = text;
      try { body = JSON.parse(text); } catch { /* not JSON */ }
      return { status: res.status, body, text, headers: res.headers, bytes };
    },
    async as(name) {
      if (sessions[name]) return sessions[name];
      const token = /\/console\/login\?t=([A-Za-z0-9_-]+)/.exec(await bot.say(name, '登录'))?.[1];
      expect(token, `${name} 没有收到登录链接`).toBeTruthy();
      const r = await fetch(base + '/console/api/session', {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${++ip % 250}` }, body: JSON.stringify({ token }),
      });
      expect(r.status).toBe(200);
      const cookie = r.headers.get('set-cookie')!.split(';')[0];
      const me = await api.http('GET', '/me', { cookie });
      sessions[name] = { cookie, csrf: me.body.csrf };
      return sessions[name];
    },
    get: async (name, path, opts = {}) => api.http('GET', path, { cookie: (await api.as(name)).cookie, accept: opts.accept }),
    post: async (name, path, body = {}) => api.http('POST', path, { ...(await api.as(name)), body }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  return api;
}

/** A refusal: this status and a Chinese message (matching `message` when given). */
export function refused(r: Res, status: number, message?: RegExp | string) {
  expect(r.status, r.text).toBe(status);
  expect(r.body.message).toMatch(/\p{Script=Han}/u);
  if (typeof message === 'string') expect(r.body.message).toBe(message);
  else if (message) expect(r.body.message).toMatch(message);
}

/** A chat command's 确认 preview (then 取消, so nothing is written). */
export async function chatPreview(bot: TestBot, name: string, text: string): Promise<string> {
  const reply = await bot.say(name, text);
  expect(reply).toContain('确认');
  await bot.say(name, '取消');
  return reply;
}
