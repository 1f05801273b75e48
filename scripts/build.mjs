// 构建 / Build: compiles src/, handlers/ and jobs/ to dist/ with tsc (tsconfig.build.json), copies
// the files read from disk at run time (SQL migrations), builds the web console (web/, Vite) into
// dist/web, then writes dist/.build-stamp (and dist/.web-build-stamp for the web console).
//   node scripts/build.mjs             build (npm run build)
//   node scripts/build.mjs --if-stale  build only when dist/ is missing or older than the sources
//   node scripts/build.mjs --web-if-stale  build only the web console, only when it is stale
//   node scripts/build.mjs --check     build nothing; exit 1 with a hint when dist/ is missing or
//                                      stale (npm start / cli / chat check in-process: require-build.mjs)
// Plain JavaScript on purpose: it must run before anything is compiled.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.build-stamp');
const webStamp = path.join(dist, '.web-build-stamp');
/** What the web console's build reads (the lock file: a new Vue or Element Plus means a new build). */
const WEB_SOURCES = ['web', 'package-lock.json'];
const lockFile = path.join(dist, '.build-lock');
/** What the build reads: a change to any of these (or a file added or removed) makes dist stale. */
const SOURCE_DIRS = ['src', 'handlers', 'jobs'];
const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json'];
/** Read from disk next to the compiled code at run time (src/db/client.ts, src/db/backup.ts, src/db/sql-functions.ts). */
const RUNTIME_ASSETS = ['src/db/migrations', 'src/db/functions'];

const mtime = (p) => { try { return fs.statSync(p).mtimeMs; } catch { return null; } };

/** The newest source path and its mtime; directories count too, so a deleted file shows. */
function newestSource(dirs = SOURCE_DIRS, files = SOURCE_FILES) {
  let best = { file: '', ms: 0 };
  const see = (file, ms) => { if (ms > best.ms) best = { file, ms }; };
  for (const f of files) { const ms = mtime(path.join(root, f)); if (ms !== null) see(f, ms); }
  const walk = (rel) => {
    const abs = path.join(root, rel);
    see(rel, fs.statSync(abs).mtimeMs);
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const child = path.join(rel, e.name);
      if (e.isDirectory()) walk(child);
      else see(child, fs.statSync(path.join(root, child)).mtimeMs);
    }
  };
  for (const d of dirs) walk(d);
  return best;
}

const hasWeb = () => fs.existsSync(path.join(root, 'web'));

/** Why dist/web can't be served as it is, or null when it is up to date (or there is no web/). */
export function webStaleness() {
  if (!hasWeb()) return null;
  const built = mtime(webStamp);
  if (built === null) return { zh: '控制台网页还没有构建（dist/web 不存在或上次构建没有完成）', en: 'The web console is not built yet (no dist/web)' };
  const newest = newestSource(['web'], WEB_SOURCES.filter((f) => f !== 'web'));
  if (newest.ms > built) return { zh: `${newest.file} 在上次构建之后有改动`, en: `${newest.file} changed since the last build` };
  return null;
}

/** Why dist/ can't be run as it is, or null when it is up to date. */
export function staleness() {
  const built = mtime(stamp);
  if (built === null) return { zh: '还没有构建（dist/ 不存在或上次构建没有完成）', en: 'Not built yet (no dist/, or the last build did not finish)' };
  const newest = newestSource();
  if (newest.ms > built) return { zh: `${newest.file} 在上次构建之后有改动`, en: `${newest.file} changed since the last build` };
  return webStaleness();
}

export function hint(why) {
  return `✗ ${why.zh}。请先运行：npm run build\n  ${why.en}. Run: npm run build`;
}

const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (err) { return err.code === 'EPERM'; } };

/** One build at a time in this checkout (two test runs, or a test run and `npm run build`). */
async function lock() {
  fs.mkdirSync(dist, { recursive: true });
  for (;;) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lockFile, { force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(lockFile, 'utf8')) || 0;
      if (!holder || !alive(holder)) { fs.rmSync(lockFile, { force: true }); continue; }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Compiled files whose source is gone (a renamed or deleted module) must not linger in dist/. */
function pruneOrphans() {
  const walk = (rel) => {
    const abs = path.join(dist, rel);
    if (!fs.existsSync(abs)) return;
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const child = path.join(rel, e.name);
      if (e.isDirectory()) { walk(child); continue; }
      const m = /^(.*)\.js(\.map)?$/.exec(child);
      if (m && !fs.existsSync(path.join(root, `${m[1]}.ts`))) fs.rmSync(path.join(dist, child));
    }
  };
  for (const d of SOURCE_DIRS) walk(d);
}

function build() {
  const started = Date.now();
  fs.rmSync(stamp, { force: true }); // a build that fails half-way leaves dist/ marked unbuilt
  let tsc;
  try { tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc'); } catch {
    console.error('✗ 找不到 TypeScript：请先运行 npm ci（不要加 --omit=dev）/ typescript is missing: run npm ci (without --omit=dev)');
    return 1;
  }
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) { console.error('✗ 构建失败（见上面 tsc 的错误）/ build failed (tsc errors above)'); return 1; }
  for (const rel of RUNTIME_ASSETS) {
    fs.rmSync(path.join(dist, rel), { recursive: true, force: true });
    fs.cpSync(path.join(root, rel), path.join(dist, rel), { recursive: true });
  }
  pruneOrphans();
  // Only when web/ changed: a browser test may be serving dist/web from the last build.
  if (webStaleness() && buildWeb() !== 0) return 1;
  fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
  console.log(`==> 已构建到 dist/（${((Date.now() - started) / 1000).toFixed(1)} 秒）/ built into dist/`);
  return 0;
}

/** The web console (web/, Vite) into dist/web, then its stamp. */
function buildWeb() {
  if (!hasWeb()) return 0;
  const started = Date.now();
  fs.rmSync(webStamp, { force: true });
  let vite;
  try { vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js'); } catch {
    console.error('✗ 找不到 Vite：请先运行 npm ci（不要加 --omit=dev）/ vite is missing: run npm ci (without --omit=dev)');
    return 1;
  }
  // NODE_ENV=production whoever calls (vitest sets NODE_ENV=test, which Vite would keep: Vue's
  // development build, larger and slower).
  const r = spawnSync(process.execPath, [vite, 'build', '--config', path.join(root, 'web', 'vite.config.ts')], {
    cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0) { console.error('✗ 控制台网页构建失败（见上面的错误）/ web console build failed (errors above)'); return 1; }
  fs.writeFileSync(webStamp, `${new Date().toISOString()}\n`);
  console.log(`==> 已构建控制台网页到 dist/web（${((Date.now() - started) / 1000).toFixed(1)} 秒）/ built the web console into dist/web`);
  return 0;
}

async function main(mode) {
  if (mode === '--check') {
    const why = staleness();
    if (why) { console.error(hint(why)); return 1; }
    return 0;
  }
  if (mode && mode !== '--if-stale' && mode !== '--web-if-stale') { console.error(`unknown option ${mode}`); return 2; }
  const unlock = await lock();
  try {
    // Checked under the lock: a build that finished while we waited leaves nothing to do.
    if (mode === '--web-if-stale') return webStaleness() ? buildWeb() : 0;
    if (mode === '--if-stale' && !staleness()) return 0;
    return build();
  } finally { unlock(); }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv[2]);
}
