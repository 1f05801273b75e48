// Preloaded by `npm start`, `npm run cli` and `npm run chat` (node --import, in the same process:
// no second Node start-up): refuse to run a dist/ that is missing or older than the sources,
// naming `npm run build`. The systemd units run dist/ directly; deploying builds first.
import { hint, staleness } from './build.mjs';

const why = staleness();
if (why) {
  console.error(hint(why));
  process.exit(1);
}
