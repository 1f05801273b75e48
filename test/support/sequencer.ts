// Heaviest projects first. Vitest's default runs projects one after another in name order, so the
// service tests (each starts several Node processes: the slowest files) ran last and the run waited
// on them. Files stay grouped by project — a worker that keeps its modules (isolate: false) imports
// the app again when it moves to another project's files (mixing them cost 90 s of imports) — and
// within a project the larger file goes first (vitest's own rule when it has no past durations).
import { statSync } from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const PROJECT_ORDER = ['service', 'browser', 'pglite', 'postgres', 'contract'];
const rank = (s: TestSpecification) => { const i = PROJECT_ORDER.indexOf(s.project.name); return i < 0 ? PROJECT_ORDER.length : i; };
const size = (s: TestSpecification) => { try { return statSync(s.moduleId).size; } catch { return 0; } };

export default class HeaviestFirst extends BaseSequencer {
  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sizes = new Map(files.map((f) => [f, size(f)]));
    return [...files].sort((a, b) => rank(a) - rank(b) || sizes.get(b)! - sizes.get(a)!);
  }
}
