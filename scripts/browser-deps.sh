#!/usr/bin/env bash
# Chromium and a CJK font, from Debian, for the web console's browser test (test/browser/) and for
# looking at the console's pages: playwright-core drives /usr/bin/chromium (it downloads no browser),
# and without fonts-noto-cjk every Chinese character on a screenshot is an empty box.
# Installs only what is missing; needs root and apt-get (apt-get update first, non-interactive).
# Exit 0 when both are there afterwards, 1 when they could not be installed (with what to do).
set -euo pipefail

have_chromium() { [ -x /usr/bin/chromium ]; }
have_cjk() { fc-list 2>/dev/null | grep -qi 'CJK' || ls /usr/share/fonts/opentype/noto 2>/dev/null | grep -qi 'CJK'; }

missing=()
have_chromium || missing+=(chromium)
have_cjk || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -eq 0 ]; then
  echo "==> Chromium 和中文字体已安装 / chromium and fonts-noto-cjk found"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "⚠ 缺少 ${missing[*]}（控制台的浏览器测试需要），无法自动安装（需要 root 和 apt-get）。请运行：sudo apt-get install -y ${missing[*]}" >&2
  echo "  missing ${missing[*]} (the web console's browser test needs them): sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "==> 安装 ${missing[*]}（apt-get）/ installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
have_chromium && have_cjk && { echo "    已安装 / installed"; exit 0; }
echo "⚠ 安装后仍缺少 ${missing[*]} / still missing after apt-get install" >&2
exit 1
