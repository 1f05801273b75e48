// `npm start` (and cli, chat: the same guard) runs the compiled dist/, and refuses — naming
// `npm run build` in Chinese and English — when dist/ is missing or older than the sources,
// including a source file deleted since the build. Run on a copy: the scripts and package.json's
// start command, fake sources and a fake dist/src/main.js; file times are set, not waited for.
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const { scripts } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
let dir: string;

const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
const age = (rel: string, minutesAgo: number) => utimes(join(dir, rel), at(minutesAgo), at(minutesAgo));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'campaign-bot-start-built-'));
  await mkdir(join(dir, 'scripts'));
  for (const f of ['build.mjs', 'require-build.mjs']) await copyFile(join(root, 'scripts', f), join(dir, 'scripts', f));
  for (const d of ['src/db', 'handlers/help', 'jobs', 'dist/src']) await mkdir(join(dir, d), { recursive: true });
  for (const f of ['src/main.ts', 'src/db/client.ts', 'handlers/help/index.ts', 'jobs/index.ts', 'tsconfig.json', 'tsconfig.build.json']) {
    await writeFile(join(dir, f), '');
  }
  await writeFile(join(dir, 'dist/src/main.js'), "console.log('the built service ran');\n");
  // Sources an hour old, then a build ten minutes ago.
  for (const f of ['src/main.ts', 'src/db/client.ts', 'handlers/help/index.ts', 'jobs/index.ts', 'tsconfig.json', 'tsconfig.build.json',
    'src/db', 'src', 'handlers/help', 'handlers', 'jobs']) await age(f, 60);
  await writeFile(join(dir, 'dist/.build-stamp'), '');
  await age('dist/.build-stamp', 10);
});
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const npmStart = () => spawnSync('sh', ['-c', scripts.start!], { cwd: dir, encoding: 'utf8' });

it('runs dist/src/main.js when the build is newer than every source', () => {
  expect(scripts.start).toContain('dist/src/main.js');
  const r = npmStart();
  expect(r.stderr).toBe('');
  expect(r.stdout).toContain('the built service ran');
  expect(r.status).toBe(0);
});

it('refuses without a finished build, naming npm run build', async () => {
  await unlink(join(dir, 'dist/.build-stamp'));
  const r = npmStart();
  expect(r.status).toBe(1);
  expect(r.stdout).not.toContain('the built service ran');
  expect(r.stderr).toContain('还没有构建');
  expect(r.stderr).toContain('请先运行：npm run build');
  expect(r.stderr).toContain('Not built yet');
});

it('refuses when a source changed after the build, naming the file', async () => {
  await age('handlers/help/index.ts', 1);
  const r = npmStart();
  expect(r.status).toBe(1);
  expect(r.stdout).not.toContain('the built service ran');
  expect(r.stderr).toContain('handlers/help/index.ts 在上次构建之后有改动。请先运行：npm run build');
  expect(r.stderr).toContain('handlers/help/index.ts changed since the last build. Run: npm run build');
});

it('refuses when a source file was deleted after the build', async () => {
  await unlink(join(dir, 'src/db/client.ts')); // the folder's time changes now
  const r = npmStart();
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('src/db 在上次构建之后有改动');
});

it('cli and chat are guarded the same way', () => {
  expect(scripts.cli).toBe(scripts.start!.replace('dist/src/main.js', 'dist/src/cli.js'));
  expect(scripts.chat).toBe(scripts.start!.replace('dist/src/main.js', 'dist/src/chat.js'));
});
