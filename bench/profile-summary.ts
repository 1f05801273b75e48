// `npx tsx bench/profile-summary.ts bench/profiles/CPU.*.cpuprofile [--top 30]`: where the
// service spent its CPU during a `npm run bench -- --cpu-prof` run — self time by package
// (or source folder) and by function, and inclusive time of the project's own functions.
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const args = process.argv.slice(2);
const topIdx = args.indexOf('--top');
const top = topIdx >= 0 ? Number(args[topIdx + 1]) : 25;
const files = args.filter((a, i) => !a.startsWith('--') && (topIdx < 0 || i !== topIdx + 1));
if (!files.length) {
  console.error('用法：npx tsx bench/profile-summary.ts 文件.cpuprofile [--top 25]');
  process.exit(2);
}

function where(url: string): string {
  if (!url) return '(native/idle)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return url;
  const own = /\/(src|handlers|jobs|bench)\/(.*)$/.exec(url);
  return own ? `${own[1]}/${own[2].split('/')[0]}` : url;
}

for (const file of files) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self].filter(([id]) => ['(idle)', '(program)', '(garbage collector)'].includes(byId.get(id)!.callFrame.functionName));
  const busy = total - idle.filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((t, [, v]) => t + v, 0);

  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  const byPkg = new Map<string, number>();
  const byFn = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    if (n.callFrame.functionName === '(idle)') continue;
    const f = n.callFrame;
    add(byPkg, f.functionName.startsWith('(') ? f.functionName : where(f.url), us);
    add(byFn, `${f.functionName || '(anonymous)'}  ${where(f.url)}:${f.lineNumber + 1}`, us);
    // Inclusive time of our own code: each frame once per sample stack.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)!.callFrame;
      if (!/\/(src|handlers|jobs)\//.test(cf.url)) continue;
      const k = `${cf.functionName || '(anonymous)'}  ${where(cf.url)}:${cf.lineNumber + 1}`;
      if (!seen.has(k)) { seen.add(k); add(inclusive, k, us); }
    }
  }
  const pct = (v: number) => `${((100 * v) / busy).toFixed(1).padStart(5)}%  ${(v / 1000).toFixed(0).padStart(7)} ms`;
  const show = (title: string, m: Map<string, number>, n: number) => {
    console.log(`\n${title}`);
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`  ${pct(v)}  ${k}`);
  };
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (percentages of busy)`);
  show('self time by package / folder', byPkg, top);
  show('self time by function', byFn, top);
  show('inclusive time, project code', inclusive, top);
}
