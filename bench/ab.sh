#!/usr/bin/env bash
# Check-in ingest, two checkouts interleaved (same machine, same hour): before/after a change.
#   [MESSAGES=2000] bash bench/ab.sh BEFORE_DIR AFTER_DIR [ROUNDS] [SECTIONS]
# e.g. git worktree add /tmp/before e338fde && ln -s "$PWD/node_modules" /tmp/before/node_modules
#      bash bench/ab.sh /tmp/before . 3
# Each round runs `npm run bench -- --quick --only SECTIONS --messages "${MESSAGES:-2000}" --warmup 300` in each
# checkout and prints msg/s, latency and the service's CPU per message; results in bench/ab-out/.
set -u
BEFORE=$(cd "$1" && pwd); AFTER=$(cd "$2" && pwd); ROUNDS=${3:-2}; SECTIONS=${4:-postgres,pglite,ingest}
OUT="$AFTER/bench/ab-out"; mkdir -p "$OUT"
for r in $(seq 1 "$ROUNDS"); do
  for side in before after; do
    dir=$BEFORE; [ "$side" = after ] && dir=$AFTER
    (cd "$dir" && timeout 1200 npm run bench -- --quick --only "$SECTIONS" --messages "${MESSAGES:-2000}" --warmup 300 > "$OUT/$side-$r.log" 2>&1) || { echo "$side round $r failed: $OUT/$side-$r.log"; continue; }
    cp "$dir/bench/results-quick.json" "$OUT/$side-$r.json"
    node -e '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      for (const db of Object.keys(r.ingest)) {
        const s = r.ingest[db].service;
        console.log(`${process.argv[2]} round ${process.argv[3]} ${db}: ${s.perSecond.toFixed(0)} msg/s, p50 ${s.latencyMs.p50} p99 ${s.latencyMs.p99} ms, cpu ${s.cpuMsPerMessage} ms/msg, load ${r.machine.loadAverageAtStart}`);
      }' "$OUT/$side-$r.json" "$side" "$r"
  done
done
