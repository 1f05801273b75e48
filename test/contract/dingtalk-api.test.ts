// DingTalkApi and the DingTalk Sender against the fake DingTalk API on loopback.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DingTalkApi } from '../../src/platforms/dingtalk/api.ts';
import { ConfigError, FileTooLargeError, RetryableError } from '../../src/platforms/dingtalk/errors.ts';
import { MAX_MARKDOWN_BYTES } from '../../src/platforms/dingtalk/markdown.ts';
import { createDingTalkSender } from '../../src/platforms/dingtalk/sender.ts';
import { NoRouteError } from '../../src/delivery/delivery.ts';
import { ConfigError as DeliveryConfigError, RetryableError as DeliveryRetryableError } from '../../src/delivery/errors.ts';
import { fakeDingTalkApi, startFakeDingTalk, type FakeDingTalk } from './fakes/dingtalk-api.ts';

let fake: FakeDingTalk;
let api: DingTalkApi;
// A working fake answers in milliseconds; the generous timeout keeps a busy machine from turning a
// slow answer into a failure. Only the timeout case shortens it (the fake then never answers).
const make = (o: Partial<ConstructorParameters<typeof DingTalkApi>[0]> = {}) => fakeDingTalkApi(fake, { timeoutMs: 10_000, ...o });

beforeEach(async () => { fake = await startFakeDingTalk(); api = make(); });
afterEach(async () => { await fake.close(); });

describe('access token', () => {
  it('is fetched once and reused for several sends', async () => {
    await api.sendToUsers(['u1'], '一');
    await api.sendToGroup('cid-1', '二');
    await Promise.all([api.sendToUsers(['u2'], '三'), api.sendToUsers(['u3'], '四')]);
    expect(fake.calls.accessToken).toBe(1);
    expect(fake.calls.batchSend).toBe(3);
    expect(fake.calls.groupSend).toBe(1);
  });

  it('is refreshed before it expires', async () => {
    let now = 1_000_000;
    api = make({ now: () => now });
    await api.sendToUsers(['u1'], '一');
    now += 7200_000 - 5 * 60_000 + 1; // within 5 minutes of expiry
    await api.sendToUsers(['u1'], '二');
    expect(fake.calls.accessToken).toBe(2);
  });

  it('token rejected (InvalidAuthentication) → refreshed once and the call retried', async () => {
    await api.sendToUsers(['u1'], '一');
    fake.revokeTokens();
    await api.sendToUsers(['u1'], '二');
    expect(fake.calls.accessToken).toBe(2);
    expect(fake.calls.batchSend).toBe(3);
    expect(fake.sent.map((s) => s.text)).toEqual(['一', '二']);
  });

  it('a token rejected again right after refreshing → RetryableError, no loop', async () => {
    fake.fail('batchSend', 'token-invalid', 5);
    await expect(api.sendToUsers(['u1'], '一')).rejects.toBeInstanceOf(RetryableError);
    expect(fake.calls.accessToken).toBe(2);
    expect(fake.calls.batchSend).toBe(2);
  });

  it('wrong app credentials → ConfigError naming the settings to fix', async () => {
    api = make({ appSecret: 'wrong' });
    const err = await api.sendToUsers(['u1'], '一').catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('DINGTALK_CLIENT_SECRET');
    expect(fake.calls.batchSend).toBe(0);
  });
});

describe('failures', () => {
  it.each([[500], [429], ['qps'], ['timeout']] as const)('%s → RetryableError', async (failure) => {
    if (failure === 'timeout') api = make({ timeoutMs: 2_000 });
    fake.fail('batchSend', failure);
    await expect(api.sendToUsers(['u1'], '一')).rejects.toBeInstanceOf(RetryableError);
    // …and the next call goes through.
    await api.sendToUsers(['u1'], '二');
    expect(fake.sent.map((s) => s.text)).toEqual(['二']);
  });

  it('token endpoint down → RetryableError', async () => {
    fake.fail('accessToken', 500);
    await expect(api.sendToGroup('cid', '一')).rejects.toBeInstanceOf(RetryableError);
  });

  it('a configuration error is not retryable and says what to fix', async () => {
    fake.fail('groupSend', 'bad-robot');
    const bad = await api.sendToGroup('cid', '一').catch((e) => e);
    expect(bad).toBeInstanceOf(ConfigError);
    expect(bad.message).toContain('DINGTALK_ROBOT_CODE');
    fake.fail('groupSend', 'permission');
    const denied = await api.sendToGroup('cid', '一').catch((e) => e);
    expect(denied).toBeInstanceOf(ConfigError);
    expect(denied.message).toContain('权限');
    // The delivery queue recognises them: not retried, reported with the fix.
    expect(denied).toBeInstanceOf(DeliveryConfigError);
    fake.fail('groupSend', 500);
    expect(await api.sendToGroup('cid', '一').catch((e) => e)).toBeInstanceOf(DeliveryRetryableError);
  });
});

describe('sending', () => {
  it('21 userIds → two batchSend calls (20 + 1), markdown params as JSON', async () => {
    const ids = Array.from({ length: 21 }, (_, i) => `u${i}`);
    await api.sendToUsers(ids, '学习提醒\n请今天完成打卡');
    expect(fake.calls.batchSend).toBe(2);
    expect(fake.sent.map((s) => s.userIds!.length)).toEqual([20, 1]);
    expect(fake.sent[0]).toMatchObject({ title: '学习提醒', text: '学习提醒  \n请今天完成打卡' });
  });

  it('long markdown is split by bytes at line ends, sent in order, each within the limit', async () => {
    const lines = Array.from({ length: 400 }, (_, i) => `第${i + 1}行：县人民医院 张三 学习《中国共产党章程》 1小时`);
    await api.sendToGroup('cid-1', lines.join('\n'));
    const parts = fake.sent;
    expect(parts.length).toBeGreaterThan(3);
    for (const p of parts) expect(Buffer.byteLength(p.text)).toBeLessThanOrEqual(MAX_MARKDOWN_BYTES);
    const back = parts.map((p) => p.text).join('  \n').split('  \n');
    expect(back).toEqual(lines);
    expect(parts[1].title).toMatch(/（续）$/);
    expect(new Set(parts.map((p) => p.openConversationId))).toEqual(new Set(['cid-1']));
  });

  it('session webhook reply: markdown, no token; foreign hosts refused', async () => {
    await api.replyViaSessionWebhook(fake.webhookUrl('s1'), '已收到');
    expect(fake.sent).toEqual([{ route: 'webhook', session: 's1', title: '已收到', text: '已收到' }]);
    expect(fake.calls.accessToken).toBe(0);
    await expect(api.replyViaSessionWebhook('https://evil.example/hook', 'x')).rejects.toBeInstanceOf(ConfigError);
    fake.fail('webhook', 500);
    await expect(api.replyViaSessionWebhook(fake.webhookUrl('s1'), 'x')).rejects.toBeInstanceOf(RetryableError);
  });

  it('downloads a message file through its download code, with a size limit', async () => {
    fake.files.set('code-1', { data: Buffer.from('%PDF-1.7 notes'), contentType: 'application/pdf' });
    const f = await api.downloadFile('code-1');
    expect(f.data.toString()).toBe('%PDF-1.7 notes');
    expect(f.contentType).toContain('application/pdf');
    expect(fake.calls.download).toBe(1);
    fake.files.set('big', { data: Buffer.alloc(2048), contentType: 'image/png' });
    await expect(make({ maxDownloadBytes: 1024 }).downloadFile('big')).rejects.toBeInstanceOf(FileTooLargeError);
    await expect(api.downloadFile('expired')).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('sender (delivery queue)', () => {
  const member = (accounts: { platform: string; userId: string }[]) => ({ id: 1, name: '张三', accounts });

  it('sends to the member’s DingTalk account and to a group chat id', async () => {
    const s = createDingTalkSender(api);
    expect(s.platform).toBe('dingtalk');
    await s.sendToMember(member([{ platform: 'wecom', userId: 'zs' }, { platform: 'dingtalk', userId: 'zhangsan-staff' }]), '提醒');
    await s.sendToGroup({ id: 1, platform: 'dingtalk', chatId: 'cid-group', name: '全院群' }, '通知');
    expect(fake.sent.map((m) => [m.route, m.userIds?.[0] ?? m.openConversationId, m.text]))
      .toEqual([['batchSend', 'zhangsan-staff', '提醒'], ['groupSend', 'cid-group', '通知']]);
  });

  it('no DingTalk account → NoRouteError; an id DingTalk rejects → ConfigError', async () => {
    const s = createDingTalkSender(api);
    await expect(s.sendToMember(member([{ platform: 'wecom', userId: 'zs' }]), 'x')).rejects.toBeInstanceOf(NoRouteError);
    fake.invalidUsers.add('gone');
    await expect(s.sendToMember(member([{ platform: 'dingtalk', userId: 'gone' }]), 'x')).rejects.toBeInstanceOf(ConfigError);
  });
});
