// `npm run chat`: a terminal simulator running the bot's real code through the console
// adapter. Act as anyone in the directory, in a group or a private chat, and see what the bot
// pushes to others.
import 'dotenv/config';
import { RETRY_LATER_REPLY, RetryLaterError } from './session.ts';
import path from 'node:path';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import readline from 'node:readline';
import { createLogger } from './log.ts';
import { privateUmask } from './infra/private-files.ts';
import { loadConfig, ConfigError } from './config.ts';
import { openDatabase } from './db/client.ts';
import { createApp } from './app.ts';
import { acquireDataDirLock, DataDirLockedError } from './infra/datadir-lock.ts';
import { startEmbeddedRedis, type EmbeddedRedis } from './infra/embedded-redis.ts';
import { activeCampaign } from './domain/campaigns.ts';
import { loadDemo, loadDemoHistory } from './demo.ts';
import { consoleSession, type Push } from './platforms/console/console-adapter.ts';
import { FEATURES, PLATFORMS } from './features.ts';

const HELP = `模拟器命令：
  /as 姓名        以某人身份说话（也可写 单位/姓名）
  /group 群名     在群里说话（例如 /group 全院群）
  /dm             私聊机器人
  /who            当前身份和会话
  /photo 文件 [文字]  发一张照片或一个文件（可带同一条消息的文字，例如 /photo 笔记.jpg 打卡 学习 1小时）
  /quit           退出
其余输入都会作为消息发给机器人，例如：打卡 学习《党章》 1小时、帮助、/阶段 列表`;

async function main() {
  privateUmask(); // the simulator's database and Redis files, like the service's
  const demo = process.argv.includes('--demo');
  let config;
  try { config = loadConfig(process.env, PLATFORMS); } catch (err) {
    if (err instanceof ConfigError) { console.error(err.message); process.exit(2); }
    throw err;
  }
  const dataDir = demo ? path.join(config.dataDir, 'demo') : config.dataDir;
  const log = createLogger(process.env.CHAT_LOG_LEVEL ?? 'warn');
  let redis: EmbeddedRedis | null = null;
  const useEmbeddedDb = demo || !config.DATABASE_URL;
  const lock = useEmbeddedDb || !config.REDIS_URL ? await acquireDataDirLock(dataDir, { role: 'chat' }).catch((err) => {
    if (err instanceof DataDirLockedError) {
      console.error(`${err.message}\n服务正在使用这个数据目录。请先停止服务，或运行 npm run chat -- --demo 使用独立的演示数据。`);
      process.exit(1);
    }
    throw err;
  }) : null;
  const redisUrl = config.REDIS_URL ?? (redis = await startEmbeddedRedis(dataDir, log)).url;
  console.log(demo ? `演示数据目录：${dataDir}（正在准备，首次约需 10 秒）` : `数据目录：${dataDir}`);
  const database = await openDatabase(useEmbeddedDb ? { pgliteDir: path.join(dataDir, 'db') } : { databaseUrl: config.DATABASE_URL });
  if (demo && !(await activeCampaign(database.db))) {
    const loaded = await database.db.transaction(async (tx) => {
      const { campaign } = await loadDemo(tx, new Date());
      return loadDemoHistory(tx, new Date(), campaign.id);
    });
    console.log(`已载入演示名单和活动「医德医风大讨论」（已进行 40 天，${loaded.checkins} 条打卡记录）。`);
  }
  // Exported files (/导出 …) are written here: the simulator has no platform to send them through.
  const exportsDir = path.join(dataDir, 'exports');
  const show = (p: Push, extra = '') => console.log(`  → ${p.kind === 'group' ? `[${p.to}]` : p.to}：${p.text.replace(/\n/g, '\n    ')}${extra}`);
  let saving = Promise.resolve();
  const app = await createApp({
    features: FEATURES, platforms: PLATFORMS,
    database, log, redisUrl, botNames: [config.BOT_NAME], queuePrefix: demo ? 'campaign-bot-demo' : 'campaign-bot',
    console: {
      // The circular's chart (/通报 预览, a circular sent) is written here and its path shown.
      imageDir: path.join(dataDir, 'images'),
      onPush: (p) => {
        if (!p.file) return show(p);
        const file = p.file;
        saving = saving.then(async () => {
          await mkdir(exportsDir, { recursive: true });
          const target = freeName(exportsDir, file.name);
          await writeFile(target, file.data);
          show(p, `\n    已保存到 ${target}`);
        }).catch((err) => show(p, `\n    保存失败：${(err as Error).message}`));
      },
    },
  });

  let who = demo ? '张三' : '';
  let group: string | undefined = demo ? '全院群' : undefined;
  const prompt = () => `${who || '（未选择身份）'}${group ? ` @${group}` : ' 私聊'} ▸ `;
  console.log(HELP);
  console.log(`导出的文件（/导出 …）保存在 ${exportsDir}；通报图表保存在 ${path.join(dataDir, 'images')}`);
  if (demo) console.log('\n演示名单：王主任（管理员）、刘局长（分管领导）、赵院长（县人民医院负责人）、张三、李四、王五、县人民医院/张伟、县中医院/张伟、钱院长、周敏、孙院长、吴刚');
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  rl.setPrompt(prompt());
  rl.prompt();
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    rl.close();
    await new Promise((r) => setTimeout(r, 300)); // let the last pushes print
    await saving;
    await app.close();
    await database.close();
    await redis?.stop();
    await lock?.release();
    process.exit(0);
  };
  let queue = Promise.resolve();
  rl.on('line', (raw) => {
    queue = queue.then(async () => {
      const line = raw.trim();
      if (!line) return;
      const meta = /^\/(as|group|dm|who|quit|exit|help)\b\s*(.*)$/i.exec(line);
      if (meta) {
        const [, cmd, arg] = meta;
        const c = cmd.toLowerCase();
        if (c === 'quit' || c === 'exit') return close();
        if (c === 'help') console.log(HELP);
        if (c === 'as') {
          if (!arg) { console.log('用法：/as 姓名'); return; }
          try {
            const id = await app.consoleIdentity(arg);
            who = arg;
            console.log(`现在的身份：${id.label}${id.bound ? '' : '，需要先「绑定 姓名 手机号后四位」'}`);
          } catch (err) { console.log((err as Error).message); }
        }
        if (c === 'group') { group = arg || '全院群'; console.log(`在群「${group}」里说话`); }
        if (c === 'dm') { group = undefined; console.log('私聊机器人'); }
        if (c === 'who') console.log(`${who || '未选择身份'}，${group ? `群「${group}」` : '私聊'}`);
        return;
      }
      if (!who) { console.log('请先用 /as 姓名 选择身份。'); return; }
      const id = await app.consoleIdentity(who);
      const photo = /^\/photo(?:\s+(\S+)(?:\s+([\s\S]*))?)?$/i.exec(line);
      if (photo && !photo[1]) { console.log('用法：/photo 文件路径 [同一条消息的文字]'); return; }
      const session = consoleSession(id.senderId, who, photo ? (photo[2] ?? '') : line, group);
      if (photo) {
        const file = path.resolve(photo[1]);
        // Read now, as a platform adapter downloads at once; the bot checks type and size.
        session.attachments = [{
          kind: /\.(jpe?g|png|gif|webp)$/i.test(file) ? 'image' : 'file',
          name: path.basename(file),
          fetch: async () => ({ data: await readFile(file) }),
        }];
      }
      // The simulator is a long connection: nothing redelivers, so say what the platforms would.
      const reply = await app.bot.handle(session).catch((err) => { if (err instanceof RetryLaterError) return RETRY_LATER_REPLY; throw err; });
      if (reply) console.log(`${config.BOT_NAME}：${reply.replace(/\n/g, '\n  ')}`);
      await new Promise((r) => setTimeout(r, 150)); // pushes are delivered through the queue
    }).catch((err) => console.error('出错：', err)).finally(() => { rl.setPrompt(prompt()); if (!closing) rl.prompt(); });
  });
  rl.on('close', () => { void queue.then(close); });
}

/** dir/name, or dir/name (2).ext … when a file of that name is already there. */
function freeName(dir: string, name: string): string {
  const safe = path.basename(name).replace(/[\\/:*?"<>|]/g, '_') || 'export.xlsx';
  const ext = path.extname(safe);
  const stem = safe.slice(0, safe.length - ext.length);
  for (let i = 1; ; i++) {
    const p = path.join(dir, i === 1 ? safe : `${stem} (${i})${ext}`);
    if (!existsSync(p)) return p;
  }
}

void main();
