// `npm run cli -- …`: admin tasks from the shell. Works whether or not the service runs:
// when it does (and holds the embedded database), the work goes through its loopback admin
// endpoint; the CLI never opens the files underneath a running service.
import 'dotenv/config';
import path from 'node:path';
import { loadConfig, ConfigError } from './config.ts';
import { acquireDataDirLock, readLiveLock, DataDirLockedError } from './infra/datadir-lock.ts';
import { DIRECTORY_HEADERS, missingDirectoryHeaders } from './domain/directory.ts';
import type { Operation, OperationResult } from './operations.ts';
import { ledgerHeaders, missingLedgerHeaders } from './domain/ledger-import.ts';
import { ledgerHeaderList, ledgerMissingHeaders } from './domain/messages/ledger-import.ts';
import { rosterImportReplies } from './domain/messages/directory.ts';
import { holidayImportReplies } from './domain/messages/holidays.ts';
import { planImportReplies } from './domain/messages/plan-import.ts';
import { HOLIDAY_HEADERS, missingHolidayHeaders } from './domain/holidays.ts';
import { chmod, writeFile } from 'node:fs/promises';
import { privateUmask } from './infra/private-files.ts';
import { GENERATE_USAGE } from './demo-generate.ts';

const USAGE = `用法：
  npm run cli -- directory import 文件.csv|文件.xlsx [--prune] [--dry-run]
      导入名单（表头：${DIRECTORY_HEADERS.join('、')}）。--prune 停用文件中没有的人（记录保留）；--dry-run 只检查不保存。
  npm run cli -- ledger import 文件.csv|文件.xlsx [--unit 单位] [--dry-run]
      导入整改台账（表头：${ledgerHeaderList(ledgerHeaders())}；类别、期限可空）。
      有任何一行有误则全部不导入，并列出每一行的问题；--unit 给没有填责任单位的行；--dry-run 只检查不保存。
  npm run cli -- holidays import 文件.csv|文件.xlsx [--dry-run]
      导入节假日更正（表头：日期、类型、说明；类型为 休息 或 上班；日期可写范围，如 2027-02-06至2027-02-14）。
      有任何一行有误则全部不导入；已有的同一天设置会被替换。
  npm run cli -- plan import 工作安排.xlsx [--yes]
      导入活动的工作安排（工作表：阶段、任务、必读）。先显示将新增、修改哪些阶段、任务和必读；加 --yes 才导入。
      有任何一行有误则全部不导入，并按工作表和行号列出问题。
  npm run cli -- plan template 文件.xlsx
      生成工作安排模板（每张表一行示例，另有「说明」表）。
  npm run cli -- bind list | bind approve 编号 | bind reject 编号 [原因]
      绑定申请（绑定为负责人、分管领导、管理员须审核）。第一位管理员没有名单里的账号时，在服务器上用这里通过。
  npm run cli -- report 通报|总结|台账|汇编|统计 [--phase 本期|第二阶段|全程] [--unit 单位] [--task 任务] [--out 文件]
  npm run cli -- export 打卡|意见|整改|通报|案例 [--unit 单位] [--from 日期] [--to 日期] [--out 文件.xlsx]
      导出 Excel（打卡记录含按人、按单位汇总；整改台账含整改记录；通报每期一张表）。日期如 2026-11-01 或 11月1日；
      只给 --from 表示到今天为止；不给 --out 时写到当前目录，以导出内容命名。匿名意见不含任何提交人信息。
  npm run cli -- backup 文件.gz
      备份整个数据库（PGlite 或 PostgreSQL，同一种格式，可互相恢复）。服务运行时由服务自己取一致的快照。
  npm run cli -- restore 文件.gz [--force]
      从备份恢复（须先停止服务）。目标数据库须为空；--force 覆盖已有数据。较早版本的备份恢复后自动升级。
  npm run cli -- platforms check
      检查已配置的企业微信、钉钉：取一次 token 验证凭证；长连接向正在运行的服务询问状态（不另开连接）。全部通过时退出码为 0。
${GENERATE_USAGE}`;

async function main(argv: string[]): Promise<number> {
  // Exports, backups and the database it may open are the service user's alone.
  privateUmask();
  const [area, action, ...args] = argv;
  // Options with a value: --unit=县人民医院 or --unit 县人民医院.
  const options = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) options.set(a.slice(0, eq), a.slice(eq + 1));
    else if (['--unit', '--from', '--to', '--out', '--phase', '--task'].includes(a) && i + 1 < args.length) options.set(a, args[++i]);
    else rest.push(a);
  }
  const flags = new Set(rest.filter((a) => a.startsWith('--')));
  const positional = rest.filter((a) => !a.startsWith('--'));
  if (area === 'directory' && action === 'import' && positional.length === 1) {
    const table = await readTableOrSay(positional[0]);
    if (!table) return 1;
    const missing = missingDirectoryHeaders(table.headers);
    if (missing.length) {
      console.error(rosterImportReplies.missingHeaders({ missing, headers: DIRECTORY_HEADERS }));
      return 1;
    }
    const result = await execute({ op: 'directory.import', rows: table.rows, prune: flags.has('--prune'), dryRun: flags.has('--dry-run') });
    (result.ok ? console.log : console.error)(result.message);
    return result.ok ? 0 : 1;
  }
  if (area === 'ledger' && action === 'import' && positional.length === 1) {
    const table = await readTableOrSay(positional[0]);
    if (!table) return 1;
    const unit = options.get('--unit')?.trim() || undefined;
    const missing = missingLedgerHeaders(table.headers, { unitGiven: unit !== undefined });
    if (missing.length) {
      console.error(ledgerMissingHeaders({ missing, headers: ledgerHeaders() }));
      return 1;
    }
    const result = await execute({ op: 'ledger.import', rows: table.rows, unit, dryRun: flags.has('--dry-run') });
    (result.ok ? console.log : console.error)(result.message);
    return result.ok ? 0 : 1;
  }
  if (area === 'holidays' && action === 'import' && positional.length === 1) {
    const table = await readTableOrSay(positional[0]);
    if (!table) return 1;
    const missing = missingHolidayHeaders(table.headers);
    if (missing.length) {
      console.error(holidayImportReplies.missingHeaders({ missing, headers: HOLIDAY_HEADERS }));
      return 1;
    }
    const result = await execute({ op: 'holidays.import', rows: table.rows, dryRun: flags.has('--dry-run') });
    (result.ok ? console.log : console.error)(result.message);
    return result.ok ? 0 : 1;
  }
  if (area === 'plan' && action === 'import' && positional.length === 1) {
    const { readWorkbookFile } = await import('./directory-file/read-table.ts');
    const file = path.resolve(positional[0]);
    let sheets;
    try {
      sheets = await readWorkbookFile(file);
    } catch (err) {
      console.error(planImportReplies.unreadable({ file, why: (err as Error).message }));
      return 1;
    }
    const result = await execute({ op: 'plan.import', file: positional[0], sheets, yes: flags.has('--yes') });
    (result.ok ? console.log : console.error)(result.message);
    return result.ok ? 0 : 1;
  }
  if (area === 'plan' && action === 'template' && positional.length === 1) {
    const { planTemplateWorkbook } = await import('./domain/plan-import.ts');
    const out = path.resolve(positional[0]);
    await writeFile(out, await planTemplateWorkbook(), { mode: 0o600 });
    console.log(`已写入模板 ${out}`);
    return 0;
  }
  if (area === 'demo' && action === 'generate') {
    const { demoGenerateCli, GenerateError } = await import('./demo-generate.ts');
    try {
      return await demoGenerateCli(args);
    } catch (err) {
      if (!(err instanceof GenerateError)) throw err;
      console.error(err.message);
      return 1;
    }
  }
  if (area === 'bind' && (action === 'list' || action === 'approve' || action === 'reject')) {
    const id = positional[0] === undefined ? undefined : Number(positional[0].replace(/^#/, ''));
    if (action !== 'list' && (!Number.isInteger(id) || id! < 1 || id! > 2147483647)) { console.error(`请写申请编号，例如：npm run cli -- bind ${action} 3`); return 2; }
    const result = await execute({ op: 'bind', action, id, reason: positional.slice(1).join(' ') || undefined });
    (result.ok ? console.log : console.error)(result.message);
    return result.ok ? 0 : 1;
  }
  if (area === 'export' && action && positional.length === 0) {
    const result = await execute({ op: 'export', kind: action, unit: options.get('--unit'), from: options.get('--from'), to: options.get('--to') });
    if (!result.ok || !result.file) { console.error(result.message); return 1; }
    const out = path.resolve(options.get('--out') ?? result.file.name);
    await writeFile(out, Buffer.from(result.file.base64, 'base64'), { mode: 0o600 });
    await chmod(out, 0o600); // a file it replaced keeps its old mode otherwise
    console.log(`${result.message}\n已写入 ${out}`);
    return 0;
  }
  if (area === 'report' && action && positional.length === 0) {
    const result = await execute({ op: 'report', kind: action, phase: options.get('--phase'), unit: options.get('--unit'), task: options.get('--task') });
    if (!result.ok || !result.file) { console.error(result.message); return 1; }
    const out = path.resolve(options.get('--out') ?? result.file.name);
    await writeFile(out, Buffer.from(result.file.base64, 'base64'), { mode: 0o600 });
    await chmod(out, 0o600);
    console.log(`${result.message}\n已写入 ${out}`);
    return 0;
  }
  if ((area === 'backup' || area === 'restore') && action && !action.startsWith('--') && positional.length === 0) {
    const config = loadConfig();
    const { backupToFile, restoreFromFile, BackupError } = await import('./db/backup.ts');
    try {
      console.log(area === 'backup' ? await backupToFile(config, action)
        : await restoreFromFile(config, action, { force: flags.has('--force') }));
      return 0;
    } catch (err) {
      if (!(err instanceof BackupError)) throw err;
      console.error(err.message);
      return 1;
    }
  }
  if (area === 'platforms' && action === 'check' && positional.length === 0) {
    const [{ checkPlatforms, formatCheckReport }, { PLATFORMS }] = await Promise.all([import('./platforms/check.ts'), import('./features.ts')]);
    const report = await checkPlatforms(loadConfig(process.env, PLATFORMS), PLATFORMS);
    console.log(formatCheckReport(report));
    return report.ok ? 0 : 1;
  }
  console.error(USAGE);
  return area ? 2 : 0;
}

/** The rows of a CSV/XLSX file, or null after saying why it could not be read. */
async function readTableOrSay(given: string) {
  const file = path.resolve(given);
  const { readTableFile } = await import('./directory-file/read-table.ts');
  try {
    return await readTableFile(file);
  } catch (err) {
    console.error(`读取 ${file} 失败：${(err as Error).message}`);
    return null;
  }
}

async function execute(op: Operation): Promise<OperationResult> {
  const config = loadConfig();
  const live = await readLiveLock(config.dataDir);
  if (live?.port) {
    const res = await fetch(`http://127.0.0.1:${live.port}/internal/cli`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-cli-secret': live.token },
      body: JSON.stringify(op),
    }).catch((err: Error) => { throw new Error(`服务（进程 ${live.pid}）正在运行，但连接 127.0.0.1:${live.port} 失败：${err.message}`); });
    const body = (await res.json()) as OperationResult;
    return { ...body, ok: res.ok && body.ok, message: `（通过正在运行的服务，进程 ${live.pid}）\n${body.message}` };
  }
  // Loaded only for the commands that need them: `cli --help` stays quick.
  const [{ openDatabase }, { runOperation }] = await Promise.all([import('./db/client.ts'), import('./operations.ts')]);
  if (config.DATABASE_URL) {
    const database = await openDatabase({ databaseUrl: config.DATABASE_URL });
    try { return await runOperation(database, op, { now: new Date() }); } finally { await database.close(); }
  }
  // No service: hold the data directory ourselves so the service cannot start underneath us.
  const lock = await acquireDataDirLock(config.dataDir, { role: 'cli' });
  try {
    const database = await openDatabase({ pgliteDir: path.join(config.dataDir, 'db') });
    try { return await runOperation(database, op, { now: new Date() }); } finally { await database.close(); }
  } finally {
    await lock.release();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err) => {
  if (err instanceof ConfigError || err instanceof DataDirLockedError) console.error(err.message);
  else console.error('出错：', err instanceof Error ? err.message : err);
  process.exit(1);
});
