// 页面大小 / Page weight of the built web console (dist/web), gzipped:
//   initial  — what index.html loads before anything else: its scripts and stylesheets and every
//              chunk those import statically (from Vite's manifest);
//   总览     — initial plus what opening 总览 (the first page) loads: its chunk, the chunks it
//              imports statically (ECharts among them) and their CSS.
// Budget: initial ≤ 500 KB (issue #20). `node scripts/page-weight.mjs` prints both (--json: as JSON);
// exit 1 over budget. The browser test (test/browser/) checks it on every run.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUDGET_BYTES = 500 * 1024;

export function pageWeight(webDir = path.join(root, 'dist', 'web')) {
  const manifest = JSON.parse(fs.readFileSync(path.join(webDir, '.vite', 'manifest.json'), 'utf8'));
  const gz = new Map();
  const size = (file) => {
    if (!gz.has(file)) gz.set(file, gzipSync(fs.readFileSync(path.join(webDir, file)), { level: 9 }).length);
    return gz.get(file);
  };
  /** The files a manifest entry loads at once: itself, its CSS, its static imports (recursively). */
  const closure = (key, files = new Set()) => {
    const e = manifest[key];
    if (!e || files.has(e.file)) return files;
    files.add(e.file);
    for (const c of e.css ?? []) files.add(c);
    for (const i of e.imports ?? []) closure(i, files);
    return files;
  };
  const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
  const initial = closure(entryKey, new Set(['index.html']));
  const overviewKey = Object.keys(manifest).find((k) => /pages\/Overview\.vue$/.test(k));
  const overview = closure(overviewKey, new Set(initial));
  const sum = (files) => [...files].reduce((s, f) => s + size(f), 0);
  return {
    initialBytes: sum(initial), initialFiles: [...initial],
    overviewBytes: sum(overview), overviewFiles: [...overview],
    sizes: Object.fromEntries([...overview].map((f) => [f, size(f)])),
  };
}

const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const w = pageWeight();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ initialBytes: w.initialBytes, overviewBytes: w.overviewBytes, budgetBytes: BUDGET_BYTES }));
    process.exit(w.initialBytes <= BUDGET_BYTES ? 0 : 1);
  }
  for (const [f, b] of Object.entries(w.sizes).sort((a, b) => b[1] - a[1])) console.log(`${kb(b).padStart(10)}  ${f}`);
  console.log(`首屏（index.html 加载的全部）/ initial: ${kb(w.initialBytes)} gzip（预算 ${kb(BUDGET_BYTES)}）`);
  console.log(`打开总览（含图表）/ with 总览: ${kb(w.overviewBytes)} gzip`);
  process.exitCode = w.initialBytes <= BUDGET_BYTES ? 0 : 1;
}
