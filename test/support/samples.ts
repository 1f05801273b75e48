// The realistic messages from ../shared/samples/messages.tsv. The shared folder sits beside the
// repository in development and CI; a copy is committed so a checkout on its own still tests them.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shared = path.resolve(repoRoot, '../shared/samples/messages.tsv');
export const samplesPath = existsSync(shared) ? shared : path.resolve(repoRoot, 'test/fixtures/messages.tsv');
/** Phrasings of the repo's own, in the same columns plus `content` (what was studied, as written). */
export const extraSamplesPath = path.resolve(repoRoot, 'test/fixtures/messages-extra.tsv');
