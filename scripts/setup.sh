#!/usr/bin/env bash
# 一次性准备开发环境 / One-time setup: Node dependencies, the build (dist/, with the web console in
# dist/web), redis-server, a CJK font (the circular's chart), Chromium + CJK fonts (the console's browser test), .env
# Usage: npm run setup   (or: bash scripts/setup.sh; `bash scripts/setup.sh env` makes only .env)
set -euo pipefail
cd "$(dirname "$0")/.."

say()  { printf '%s\n' "$*"; }
warn() { printf '⚠ %s\n' "$*" >&2; }

# --- .env -----------------------------------------------------------------------------------------
# .env holds the secrets (tokens, keys, database password): readable by this user only.
make_env() {
  if [ -f .env ]; then
    say "==> .env 已存在，保持不变 / .env exists, left as is"
    if [ -n "$(find .env -maxdepth 0 -perm /077 2>/dev/null)" ]; then
      chmod go-rwx .env
      say "    已将 .env 改为仅本用户可读写（600）/ made .env private to this user (600)"
    fi
  elif [ -f .env.example ]; then
    (umask 077 && cp .env.example .env)
    chmod 600 .env
    say "==> 已从 .env.example 创建 .env（仅本用户可读写，请按需修改）/ created .env from .env.example (mode 600)"
  else
    warn ".env.example 不存在，未创建 .env / no .env.example, .env not created"
  fi
}

if [ "${1:-}" = env ]; then make_env; exit 0; fi

# --- Node ---------------------------------------------------------------------------------------
node_version="$(node -p 'process.versions.node' 2>/dev/null || echo 0)"
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)' 2>/dev/null; then
  warn "需要 Node.js >= 20.19（当前 ${node_version}）/ Node.js >= 20.19 required"
  exit 1
fi

say "==> npm ci（安装依赖 / installing dependencies）"
npm ci --no-audit --no-fund

# npm start / cli / chat run the compiled JavaScript in dist/ (scripts/build.mjs).
say "==> npm run build（编译到 dist/ / compiling into dist/）"
npm run -s build

# --- redis-server (the service starts its own private child; it only needs the binary) ----------
if command -v redis-server >/dev/null 2>&1; then
  say "==> redis-server 已安装 / found: $(command -v redis-server)"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "==> 安装 redis-server（apt-get）/ installing redis-server"
  # Keep the Debian package from starting its own system daemon: we run a private child on a
  # free port, so a system Redis would only waste memory. (policy-rc.d exit 101 = "don't start".)
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends redis-server >/dev/null
  say "    redis-server 已安装 / installed: $(command -v redis-server)"
else
  warn "未找到 redis-server，且无法自动安装（需要 root + apt-get）。请任选其一 / redis-server not found; either:"
  warn "  Debian/Ubuntu:  sudo apt-get install -y redis-server"
  warn "  macOS:          brew install redis"
  warn "  或在 .env 中设置 REDIS_URL 指向已有的 Redis / or set REDIS_URL in .env"
fi

# --- A CJK font for the circular's chart (通报图表, src/documents/chart.ts) ---------------------------
# Without one the chart is still drawn, but its Chinese shows as empty boxes. CHART_FONT in .env
# can name another font file instead.
have_cjk_font() { ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1 || fc-list :lang=zh 2>/dev/null | grep -q .; }
if have_cjk_font; then
  say "==> 中文字体已安装（通报图表用）/ CJK font found (for the circular's chart)"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "==> 安装 fonts-noto-cjk（通报图表用的中文字体）/ installing fonts-noto-cjk (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends fonts-noto-cjk >/dev/null && say "    已安装 / installed" \
    || warn "fonts-noto-cjk 安装失败：通报图表中的中文将显示为方框 / could not install fonts-noto-cjk: the chart's Chinese will show as boxes"
else
  warn "缺少中文字体，通报图表中的中文将显示为方框。请运行：sudo apt-get install -y fonts-noto-cjk（或在 .env 用 CHART_FONT 指定字体文件）"
  warn "  no CJK font: sudo apt-get install -y fonts-noto-cjk (or set CHART_FONT in .env)"
fi

# --- Chromium and a CJK font: the web console's browser test, and screenshots of its pages ---------
bash scripts/browser-deps.sh || warn "控制台照常可用；只是浏览器测试会跳过 / the console works; only its browser test is skipped"

make_env

cat <<'NEXT'

完成 / Done. 下一步 / Next:
  npm start                  启动服务 / start the service
  npm run build              改动代码或 git pull 之后重新构建 / rebuild after changing the code or git pull
  npm run chat -- --demo     在终端试聊（演示数据）/ try the bot in the terminal (demo data)
  npm test                   运行测试 / run the tests（完整环境 / full CI: .ci/run）
NEXT
