// The circular's chart (issue #22): src/documents/chart.ts rendering a 200-unit circular to PNG —
// ECharts' SVG, then resvg (WebAssembly) with the CJK font. `first` includes starting resvg's
// WebAssembly module and reading the 19 MB font once per process; the median is every later render.
// The data is synthetic (test/support/circular-data.ts): the render's cost depends on the number
// of rows drawn (at most 31 for any number of units), not on the database. Computing the circular
// itself is bench/circular.ts (which, on the PostgreSQL data set, also times compute + render).
import { renderCircularChart } from '../src/documents/chart.ts';
import { syntheticCircular } from '../test/support/circular-data.ts';

export interface ChartResult { units: number; width: number; height: number; bytes: number; firstMs: number; medianMs: number; minMs: number; maxMs: number; runs: number }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runChart(o: { units: number; runs: number }): Promise<ChartResult> {
  const d = syntheticCircular(o.units);
  const prev = syntheticCircular(o.units, { seed: 3, periodKey: '2026-11-H2', previousKey: '2026-11-H1' });
  const ms: number[] = [];
  let last = { width: 0, height: 0, bytes: 0 };
  for (let i = 0; i < o.runs + 1; i++) {
    const t0 = performance.now();
    const r = await renderCircularChart(d, prev);
    ms.push(performance.now() - t0);
    last = { width: r.width, height: r.height, bytes: r.png.length };
  }
  const later = ms.slice(1);
  return { units: o.units, ...last, firstMs: ms[0], medianMs: median(later), minMs: Math.min(...later), maxMs: Math.max(...later), runs: o.runs };
}

// `npx tsx bench/chart.ts [units] [runs]`: this figure alone, without the rest of the bench.
if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runChart({ units: Number(process.argv[2] ?? 200), runs: Number(process.argv[3] ?? 5) });
  console.log(JSON.stringify(r, null, 2));
}
