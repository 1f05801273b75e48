#!/usr/bin/env bash
# Start-up times as people meet them: `npm run cli -- --help` wall time, and a restart's time from
# `npm start` to /healthz answering (embedded PGlite + private redis-server, on a data directory
# made by an earlier start, so no initdb). Each checkout given is measured in turn, run by run
# (interleaved, so a busy machine weighs on all alike); prints every run and the median.
#   bash bench/startup.sh [CHECKOUT ...]      default: this checkout
#   RUNS=5 bash bench/startup.sh /tmp/before-build .     before/after (issue #19)
# A checkout with scripts/build.mjs is built first when its dist/ is stale (not timed).
set -euo pipefail
RUNS=${RUNS:-5}
[ $# -gt 0 ] || set -- "$(cd "$(dirname "$0")/.." && pwd)"
dirs=(); for d in "$@"; do dirs+=("$(cd "$d" && pwd)"); done
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/campaign-bot-startup-XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

ms() { echo $(( $(date +%s%N) / 1000000 )); }
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

# The service's settings: embedded defaults, no platforms, whatever .env says (empty values win).
# Call in a subshell: it becomes the command.
svc_env() {
  exec env DATA_DIR="$1" PORT="$2" HOST=127.0.0.1 LOG_LEVEL=warn ROLE=all DATABASE_URL= REDIS_URL= ADMIN_API_TOKEN= \
    WECOM_BOT_ID= WECOM_BOT_SECRET= WECOM_CORP_ID= WECOM_AGENT_ID= WECOM_AGENT_SECRET= \
    DINGTALK_CLIENT_ID= DINGTALK_CLIENT_SECRET= DINGTALK_ROBOT_CODE= "${@:3}"
}

# `npm start` in DIR on DATA_DIR, in its own process group; sets RESTART_MS (until /healthz is 200).
start_service() {
  local dir=$1 data=$2 port t0 pid
  port=$(free_port)
  t0=$(ms)
  (cd "$dir" && svc_env "$data" "$port" setsid npm start -s) >"$work/svc.log" 2>&1 &
  pid=$!; pids+=("$pid")
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "service in $dir exited:" >&2; cat "$work/svc.log" >&2; exit 1; fi
    sleep 0.05
  done
  RESTART_MS=$(( $(ms) - t0 ))
  # SIGTERM to the group (as systemd or Ctrl-C would), and wait until it has let go of DATA_DIR.
  kill -TERM -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  while pgrep -g "$pid" >/dev/null 2>&1; do sleep 0.1; done
}

declare -A cli_t cli_cpu restart_t
for i in "${!dirs[@]}"; do
  d=${dirs[$i]}
  if [ -f "$d/scripts/build.mjs" ]; then (cd "$d" && node scripts/build.mjs --if-stale); fi
  mkdir -p "$work/data$i"
  start_service "$d" "$work/data$i"   # the first start makes the data directory (initdb): not counted
done

for run in $(seq 1 "$RUNS"); do
  for i in "${!dirs[@]}"; do
    d=${dirs[$i]}
    # Wall time, and CPU time (user + sys of npm and everything it ran: steadier on a busy machine).
    TIMEFORMAT='%R %U %S'
    read -r wall user sys < <({ time { (cd "$d" && svc_env "$work/cli$i" 0 npm run -s cli -- --help) >"$work/cli.out" 2>&1 || true; }; } 2>&1)
    t=$(awk -v w="$wall" 'BEGIN { printf "%d", w * 1000 }'); cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')
    grep -q '用法' "$work/cli.out" || { echo "cli --help in $d printed no usage:" >&2; cat "$work/cli.out" >&2; exit 1; }
    start_service "$d" "$work/data$i"
    cli_t[$i]+="$t "; cli_cpu[$i]+="$cpu "; restart_t[$i]+="$RESTART_MS "
    printf 'run %d  %-27s cli --help %5d ms (cpu %5d ms)   restart → /healthz %5d ms\n' "$run" "$d" "$t" "$cpu" "$RESTART_MS"
  done
done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
for i in "${!dirs[@]}"; do
  # shellcheck disable=SC2086
  printf 'median of %d  %-27s cli --help %5d ms (cpu %5d ms)   restart → /healthz %5d ms\n' "$RUNS" "${dirs[$i]}" "$(median ${cli_t[$i]})" "$(median ${cli_cpu[$i]})" "$(median ${restart_t[$i]})"
done
