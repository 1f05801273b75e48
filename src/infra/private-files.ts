// The data is people's names, phone numbers and anonymous opinions: only the service's own OS
// user may read it. The processes that write data run with umask 077, so whatever they (and the
// PGlite / redis-server underneath) create is 0600 / 0700; what an older version left readable is
// tightened at start.
import { chmod, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** New files 0600, new directories 0700, for this process and the children it starts. */
export function privateUmask(): void {
  process.umask(0o077);
}

/** DATA_DIR and everything under it: group and other lose every permission (symlinks are left alone). */
export async function makePrivate(dir: string, onProblem: (path: string, err: Error) => void = () => {}): Promise<number> {
  let changed = 0;
  const walk = async (path: string): Promise<void> => {
    let st;
    try { st = await lstat(path); } catch { return; } // gone meanwhile
    if (st.isSymbolicLink()) return;
    if (st.mode & 0o077) {
      try { await chmod(path, st.mode & 0o700); changed++; } catch (err) { onProblem(path, err as Error); }
    }
    if (!st.isDirectory()) return;
    let names: string[];
    try { names = await readdir(path); } catch (err) { onProblem(path, err as Error); return; }
    for (const name of names) await walk(join(path, name));
  };
  await walk(dir);
  return changed;
}
