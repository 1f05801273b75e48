#!/usr/bin/env bash
# Makes sure the services the tests use answer: Redis on 127.0.0.1:6379 and PostgreSQL on
# 127.0.0.1:5432 (trust auth, database `test`). Installs them from Debian packages and starts them
# when they don't. Idempotent. Called by .ci/run and by the test suite's global setup.
set -euo pipefail
cd "$(dirname "$0")/.."

REDIS_PORT=${CI_REDIS_PORT:-6379}   # overridable only to test this script
PG_PORT=5432
export TEST_REDIS_URL="redis://127.0.0.1:${REDIS_PORT}"
export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:${PG_PORT}/test"

# --- helpers ------------------------------------------------------------------------------------
us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }   # microseconds (bash >= 5)
T_ALL=$(us)
fmt() { local d=$(( $1 / 100000 )); printf '%d.%ds' $(( d / 10 )) $(( d % 10 )); }
step() { STEP_NAME=$1; STEP_T=$(us); printf '\n==> %s\n' "$1"; }
done_step() { printf '    [%s: %s]\n' "$STEP_NAME" "$(fmt $(( $(us) - STEP_T )))"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi
fi

APT_UPDATED=""
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "需要安装 $* 但没有 apt-get / need $* but apt-get is not available"
  if [ "$(id -u)" != 0 ] && [ -z "$SUDO" ]; then die "安装 $* 需要 root / installing $* needs root (or sudo)"; fi
  export DEBIAN_FRONTEND=noninteractive
  # Don't let package scripts start system daemons; this script starts what it needs itself.
  local policy=/usr/sbin/policy-rc.d created=""
  if [ ! -e "$policy" ]; then
    $SUDO sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod +x $policy"
    created=1
  fi
  if [ -z "$APT_UPDATED" ]; then $SUDO apt-get update -qq; APT_UPDATED=1; fi
  local rc=0
  $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null || rc=$?
  if [ -n "$created" ]; then $SUDO rm -f "$policy"; fi
  [ "$rc" = 0 ] || die "apt-get install $* 失败 / failed"
}

redis_ping() {
  if command -v redis-cli >/dev/null 2>&1; then
    timeout 3 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG
  else
    timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$REDIS_PORT && printf 'PING\r\n' >&3 && IFS= read -r l <&3 && [[ \$l == +PONG* ]]" 2>/dev/null
  fi
}

pg_ready() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 3
  else
    timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PG_PORT" 2>/dev/null
  fi
}

# Run one SQL statement through the project's `pg` package (no psql needed). Prints rows as JSON.
pg_query() {
  node -e '
    const pg = require("pg");
    const c = new pg.Client({ connectionString: process.argv[1], connectionTimeoutMillis: 5000 });
    c.connect()
      .then(() => c.query(process.argv[2]))
      .then((r) => { console.log(JSON.stringify(r.rows)); return c.end(); })
      .catch((e) => { console.error(e.message); process.exit(1); });
  ' "$1" "$2"
}

pg_version_dir() { ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1; }

pg_trust_local_tcp() {
  local ver=$1 hba="/etc/postgresql/$1/main/pg_hba.conf"
  [ -f "$hba" ] || return 0
  if ! $SUDO grep -q 'added by campaign-bot .ci/run' "$hba"; then
    echo "    pg_hba.conf: trust for 127.0.0.1/32 and ::1/128"
    # First matching line wins, so prepend. `cat >` keeps the file's owner and mode.
    $SUDO sh -c "{ printf '%s\n' '# added by campaign-bot .ci/run: trust local TCP (CI only)' \
      'host all all 127.0.0.1/32 trust' 'host all all ::1/128 trust'; cat '$hba'; } > '$hba.new' \
      && cat '$hba.new' > '$hba' && rm -f '$hba.new'"
  fi
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main reload >/dev/null 2>&1 || true
}

# --- 2. Redis -------------------------------------------------------------------------------------
step "Redis (127.0.0.1:${REDIS_PORT})"
# The binary is needed even when a Redis already answers: the embedded-redis tests spawn their own.
if ! command -v redis-server >/dev/null 2>&1; then
  echo "    installing redis-server"
  apt_install redis-server
fi
if redis_ping; then
  echo "    already answering"
else
  echo "    starting redis-server"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no >/dev/null
  for _ in $(seq 1 50); do redis_ping && break; sleep 0.2; done
  redis_ping || die "Redis 没有在 127.0.0.1:${REDIS_PORT} 上响应 / Redis did not come up"
fi
done_step

# --- 3. PostgreSQL --------------------------------------------------------------------------------
step "PostgreSQL (127.0.0.1:${PG_PORT}, database test)"
if pg_ready; then
  echo "    already answering"
else
  if [ -z "$(pg_version_dir)" ]; then
    echo "    installing postgresql"
    apt_install postgresql
  fi
  ver=$(pg_version_dir)
  [ -n "$ver" ] || die "没有找到 PostgreSQL 集群配置 /etc/postgresql/* / no PostgreSQL cluster found"
  if [ ! -f "/etc/postgresql/$ver/main/postgresql.conf" ]; then
    $SUDO pg_createcluster "$ver" main >/dev/null
  fi
  pg_trust_local_tcp "$ver"
  echo "    starting cluster $ver/main"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  for _ in $(seq 1 60); do pg_ready && break; sleep 0.5; done
  pg_ready || die "PostgreSQL 没有在 127.0.0.1:${PG_PORT} 上响应 / PostgreSQL did not come up"
fi
ADMIN_URL="postgres://postgres@127.0.0.1:${PG_PORT}/postgres"
if ! pg_query "$ADMIN_URL" 'SELECT 1' >/dev/null 2>&1; then
  ver=$(pg_version_dir)
  [ -n "$ver" ] || die "无法以 postgres 用户连接 $ADMIN_URL，且本机没有可配置的集群 / cannot connect as postgres and no local cluster to configure"
  pg_trust_local_tcp "$ver"
  for _ in $(seq 1 20); do pg_query "$ADMIN_URL" 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.5; done
  pg_query "$ADMIN_URL" 'SELECT 1' >/dev/null || die "无法以 postgres 用户 trust 登录 / trust login as postgres failed"
fi
if [ "$(pg_query "$ADMIN_URL" "SELECT count(*)::int AS n FROM pg_database WHERE datname = 'test'")" = '[{"n":0}]' ]; then
  echo "    creating database test"
  pg_query "$ADMIN_URL" 'CREATE DATABASE test' >/dev/null
fi
done_step

printf '\n==> services ready (%s)\n' "$(fmt $(( $(us) - T_ALL )))"
