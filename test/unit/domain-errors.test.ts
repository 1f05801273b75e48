// The domain's refusals: a typed code and data, worded by the feature's catalogue; chat replies
// with the wording, REST answers the code and the wording. Run with TZ=UTC.
import { describe, expect, it } from 'vitest';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { DomainError, fail, isDomainError } from '../../src/domain/errors.ts';
import { validateHolidayRows } from '../../src/domain/holidays.ts';
import { parseRectCode } from '../../src/domain/rectification.ts';
import { isUserFacing, UserError } from '../../src/commands/errors.ts';
import { answerDomainError } from '../../src/http/api.ts';

describe('DomainError', () => {
  it('carries its code and params, and its message is the catalogue wording', () => {
    const err = (() => { try { return parseRectCode('ABC'); } catch (e) { return e; } })();
    expect(isDomainError(err, 'rect.bad_ref')).toBe(true);
    expect(err).toMatchObject({ code: 'rect.bad_ref', params: { text: 'ABC' }, message: '整改编号「ABC」格式不对，应像 ZG-0001 这样。' });
    expect(new DomainError('checkin.nothing_to_undo')).toMatchObject({ params: {}, message: '今天还没有可以撤销的打卡。' });
  });

  it('words every bad row of an import, and keeps each problem typed', () => {
    const rows = [
      { line: 2, cells: { 日期: '2月6日', 类型: '休息' } },
      { line: 3, cells: { 日期: '2027-02-07', 类型: '开会' } },
      { line: 4, cells: { 日期: '2027-02-08', 类型: '休息' } },
    ];
    const err = (() => { try { return validateHolidayRows(rows, Date.UTC(2026, 11, 1)); } catch (e) { return e; } })();
    expect(isDomainError(err, 'holiday.rows_invalid')).toBe(true);
    expect((err as Error).message).toBe('有 2 行有误，全部未导入：\n'
      + '第 2 行：日期「2月6日」没有年份，请写完整日期，如 2027-02-06\n'
      + '第 3 行：类型「开会」应为 休息 或 上班');
    expect((err as DomainError<'holiday.rows_invalid'>).params.rows).toEqual([
      { line: 2, problems: [{ code: 'date_without_year', text: '2月6日' }] },
      { line: 3, problems: [{ code: 'kind_unknown', text: '开会' }] },
    ]);
  });

  it('is what chat replies with, as a handler\'s UserError is', () => {
    expect(isUserFacing(new DomainError('export.range_without_start'))).toBe(true);
    expect(isUserFacing(new UserError('x'))).toBe(true);
    expect(isUserFacing(new Error('x'))).toBe(false);
  });
});

describe('REST answer to a DomainError', () => {
  it('is a 4xx with the code and the wording; other errors go on to the 500', async () => {
    const app = express();
    app.get('/missing', () => fail('rect.not_found', { ref: 'ZG-0009' }));
    app.get('/refused', () => fail('feedback.already_closed', { ref: 'YJ-0001' }));
    app.get('/broken', () => { throw new Error('boom'); });
    app.use(answerDomainError);
    app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => { res.status(500).json({ error: '服务器内部错误' }); });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const get = async (path: string) => { const res = await fetch(base + path); return { status: res.status, body: await res.json() }; };
      expect(await get('/missing')).toEqual({ status: 404, body: { error: 'rect.not_found', message: '没有编号为 ZG-0009 的整改事项。' } });
      expect(await get('/refused')).toEqual({ status: 400, body: { error: 'feedback.already_closed', message: 'YJ-0001 已经办结了。' } });
      expect(await get('/broken')).toEqual({ status: 500, body: { error: '服务器内部错误' } });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
