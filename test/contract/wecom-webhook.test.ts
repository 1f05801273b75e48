// WeCom 群机器人 webhook sender and the byte splitter every WeCom sender uses.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendWecomWebhook } from '../../src/platforms/wecom/webhook.ts';
import { ConfigError, RetryableError } from '../../src/platforms/wecom/errors.ts';
import { splitByBytes } from '../../src/platforms/split.ts';
import { startFakeWecomApi, type FakeWecomApi } from './fakes/wecom-api.ts';

const KEY = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';
let api: FakeWecomApi;
beforeAll(async () => { api = await startFakeWecomApi({ corpId: 'ww1', secret: 's', agentId: 1, webhookKeys: [KEY] }); });
afterAll(async () => { await api.close(); });
beforeEach(() => { api.webhookMessages.length = 0; });

describe('WeCom group-robot webhook', () => {
  it('posts markdown to the key', async () => {
    await sendWecomWebhook(KEY, '**学习提醒**\n<@zhangsan> 今天还没打卡', { apiBase: api.url });
    expect(api.webhookMessages).toEqual([{ key: KEY, body: { msgtype: 'markdown', markdown: { content: '**学习提醒**\n<@zhangsan> 今天还没打卡' } } }]);
  });

  it('splits long markdown under 4096 bytes, in order', async () => {
    const text = Array.from({ length: 120 }, (_, i) => `${i + 1}、县人民医院本周学习打卡情况通报：良好。`).join('\n');
    await sendWecomWebhook(KEY, text, { apiBase: api.url });
    expect(api.violations).toEqual([]);
    expect(api.webhookMessages.length).toBeGreaterThan(1);
    for (const m of api.webhookMessages) expect(Buffer.byteLength(m.body.markdown.content)).toBeLessThanOrEqual(4096);
    expect(api.webhookMessages.map((m) => m.body.markdown.content).join('\n')).toBe(text);
  });

  it('a wrong key is a configuration error that does not reveal the key; 45009 and 500 are retryable', async () => {
    const err = await sendWecomWebhook('wrong-key-123', 'x', { apiBase: api.url }).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).not.toContain('wrong-key-123');
    api.fail('webhook/send', 45009);
    await expect(sendWecomWebhook(KEY, 'x', { apiBase: api.url })).rejects.toBeInstanceOf(RetryableError);
    api.fail('webhook/send', 'http500');
    await expect(sendWecomWebhook(KEY, 'x', { apiBase: api.url })).rejects.toBeInstanceOf(RetryableError);
    api.fail('webhook/send', 'timeout');
    const t = await sendWecomWebhook(KEY, 'x', { apiBase: api.url, timeoutMs: 150 }).catch((e) => e);
    expect(t).toBeInstanceOf(RetryableError);
    expect(t.message).not.toContain(KEY);
  });
});

describe('splitByBytes', () => {
  const size = (s: string) => Buffer.byteLength(s);
  it('keeps short text whole and empty text empty', () => {
    expect(splitByBytes('打卡', 2048)).toEqual(['打卡']);
    expect(splitByBytes('', 2048)).toEqual([]);
  });
  it('cuts at line boundaries by bytes (a Chinese character is 3 bytes)', () => {
    expect(splitByBytes('一二三\n四五六\n七', 9)).toEqual(['一二三', '四五六', '七']);
    expect(splitByBytes('一二\n三四\n五', 13)).toEqual(['一二\n三四', '五']); // 6+1+6 = 13
  });
  it('cuts an over-long line between characters, never inside one', () => {
    const parts = splitByBytes('甲乙丙丁戊', 7);
    expect(parts).toEqual(['甲乙', '丙丁', '戊']);
    const emoji = splitByBytes('😀😀😀a', 9); // 4-byte characters (surrogate pairs)
    expect(emoji).toEqual(['😀😀', '😀a']);
    for (const p of [...parts, ...emoji]) expect(p).not.toContain('\uFFFD');
  });
  it('keeps order and content for mixed text', () => {
    const text = ['标题', 'x'.repeat(50), '中'.repeat(30), '', '结尾'].join('\n');
    const parts = splitByBytes(text, 40);
    for (const p of parts) expect(size(p)).toBeLessThanOrEqual(40);
    expect(parts.join('').replace(/\n/g, '')).toBe(text.replace(/\n/g, '')); // only newlines at cuts are dropped
  });
  it('refuses a limit smaller than one character', () => {
    expect(() => splitByBytes('abc', 3)).toThrow(RangeError);
  });
});
