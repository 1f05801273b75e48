// What the console's sign-in tests through WeCom and DingTalk start with (the contract test over
// HTTP and the login page in the browser): the demo county's bot and the fakes of the two
// platforms' pages and APIs (test/contract/fakes), 李四 a member of the DingTalk corp as
// 'lisi-dd', and the directory knowing the accounts the test names.
import { testBot, type TestBot } from './test-bot.ts';
import { identities, members } from '../../src/db/schema.ts';
import { startFakeWecomApi, type FakeWecomApi } from '../contract/fakes/wecom-api.ts';
import { startFakeDingTalk, type FakeDingTalk } from '../contract/fakes/dingtalk-api.ts';
import { TEST_APP } from '../contract/wecom-support.ts';

/** An account the directory holds: platform user id → the person's name. */
export interface Account { platform: 'wecom' | 'dingtalk'; userId: string; name: string; source?: 'directory' | 'bind' }

export interface SignInFakes {
  bot: TestBot;
  /** Member ids by name (all but 张伟). */
  id: Record<string, number>;
  /** The WeCom self-built app's fake (TEST_APP). */
  wecom: FakeWecomApi;
  ding: FakeDingTalk;
  /** 李四's DingTalk unionId: `ding.signInAs(lisiUnion)` plays him scanning the code. */
  lisiUnion: string;
  /** Stops the fakes and the bot. */
  close(): Promise<void>;
}

export async function startSignInFakes(accounts: Account[]): Promise<SignInFakes> {
  const bot = await testBot({ seed: 'demo' });
  const id: Record<string, number> = {};
  for (const m of await bot.db.select().from(members)) if (m.name !== '张伟') id[m.name] = m.id;
  const wecom = await startFakeWecomApi(TEST_APP);
  const ding = await startFakeDingTalk();
  const lisiUnion = ding.addMember('lisi-dd').unionId;
  await bot.db.insert(identities).values(accounts.map((a) => ({ platform: a.platform, platformUserId: a.userId, memberId: id[a.name], source: a.source ?? 'directory' })));
  return {
    bot, id, wecom, ding, lisiUnion,
    async close() {
      await wecom.close();
      await ding.close();
      await bot.close();
    },
  };
}
