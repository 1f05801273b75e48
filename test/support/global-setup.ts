// Before any test: make sure Redis and PostgreSQL answer on 127.0.0.1, installing and starting
// them from Debian packages when they don't (the same script .ci/run uses).
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const answers = (port: number) => new Promise<boolean>((resolve) => {
  const s = net.connect({ host: '127.0.0.1', port, timeout: 1500 });
  s.once('connect', () => { s.destroy(); resolve(true); });
  s.once('error', () => resolve(false));
  s.once('timeout', () => { s.destroy(); resolve(false); });
});

export default async function setup() {
  if (process.env.TEST_REDIS_URL && process.env.TEST_DATABASE_URL) return; // .ci/run did it
  if ((await answers(6379)) && (await answers(5432))) return;
  const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/test-services.sh');
  console.log('Redis or PostgreSQL is not answering on 127.0.0.1: running scripts/test-services.sh');
  const r = spawnSync('bash', [script], { stdio: 'inherit' });
  if (r.status !== 0) {
    throw new Error('Could not start Redis/PostgreSQL for the tests. Run `bash scripts/test-services.sh` as root, or set TEST_REDIS_URL and TEST_DATABASE_URL.');
  }
}
