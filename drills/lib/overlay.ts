// A throw-away copy of the project's code (src, handlers, jobs; node_modules linked) with a
// proposed fix applied, so a drill can show that a fix works without touching the shared
// checkout. Used only when a drill is asked to (DRILL_PATCH=...); the default is the real code.
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, type Scope } from '../../test/support/service-scope.ts';

export interface Patch { file: string; find: string; replace: string }

/**
 * Known proposed fixes, by name. Empty now: the two this drill found (a cut connection killing
 * the process; a database outage answered 200 unrecorded) are fixed in src/db/client.ts,
 * src/bot.ts and the HTTP callback adapters.
 */
export const PATCHES: Record<string, Patch[]> = {};

export async function overlay(scope: Scope, names: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'campaign-bot-overlay-'));
  scope.defer(() => rm(dir, { recursive: true, force: true }));
  for (const d of ['src', 'handlers', 'jobs']) await cp(join(root, d), join(dir, d), { recursive: true });
  for (const f of ['package.json', 'tsconfig.json']) await cp(join(root, f), join(dir, f));
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
  for (const name of names) {
    for (const p of PATCHES[name] ?? []) {
      const path = join(dir, p.file);
      const text = await readFile(path, 'utf8');
      if (!text.includes(p.find)) throw new Error(`patch ${name} no longer applies to ${p.file} (already fixed?)`);
      await writeFile(path, text.replace(p.find, p.replace));
    }
    if (!PATCHES[name]) throw new Error(`unknown patch ${name}`);
  }
  return dir;
}
