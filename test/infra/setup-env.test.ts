// `npm run setup` makes .env from .env.example readable by its owner only (it holds the tokens,
// keys and database password), and closes an existing .env that others could read. The script's
// .env step runs on its own with `bash scripts/setup.sh env` (the rest installs packages).
import { spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
let dir: string;

beforeEach(async () => {
  // A copy of the parts the step uses: the script finds the checkout from its own path.
  dir = await mkdtemp(join(tmpdir(), 'campaign-bot-setup-'));
  await mkdir(join(dir, 'scripts'));
  await copyFile(join(root, 'scripts', 'setup.sh'), join(dir, 'scripts', 'setup.sh'));
  await copyFile(join(root, '.env.example'), join(dir, '.env.example'));
  await chmod(join(dir, '.env.example'), 0o644);
});
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const setupEnv = () => {
  // A permissive umask, as a default login shell has: the script must not rely on the caller's.
  const r = spawnSync('bash', ['-c', 'umask 022 && bash scripts/setup.sh env'], { cwd: dir, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
};
const modeOf = async (f: string) => ((await stat(f)).mode & 0o777).toString(8);

it('creates .env from .env.example with mode 600', async () => {
  const out = setupEnv();
  expect(out).toContain('已从 .env.example 创建 .env');
  expect(await modeOf(join(dir, '.env'))).toBe('600');
  expect(await readFile(join(dir, '.env'), 'utf8')).toBe(await readFile(join(dir, '.env.example'), 'utf8'));
});

it('leaves an existing .env\'s settings alone but makes it private', async () => {
  await writeFile(join(dir, '.env'), 'ADMIN_API_TOKEN=mine-and-only-mine-0123456789\n');
  await chmod(join(dir, '.env'), 0o644);
  const out = setupEnv();
  expect(out).toContain('.env 已存在，保持不变');
  expect(out).toContain('已将 .env 改为仅本用户可读写');
  expect(await modeOf(join(dir, '.env'))).toBe('600');
  expect(await readFile(join(dir, '.env'), 'utf8')).toBe('ADMIN_API_TOKEN=mine-and-only-mine-0123456789\n');
  // Already private: nothing to say.
  expect(setupEnv()).not.toContain('已将 .env 改为');
});
