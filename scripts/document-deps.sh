#!/usr/bin/env bash
# LibreOffice Writer (headless) and poppler-utils, from Debian, for rendering the 报送 documents to
# PDF and PNG (test/conversation/reports.test.ts looks at each kind's pages; people can too:
# `soffice --headless --convert-to pdf 文件.docx`). The service itself needs neither.
# Installs only what is missing; needs root and apt-get. Exit 0 when both are there afterwards,
# 1 when they could not be installed (the render test is then skipped and says why).
set -euo pipefail

have_soffice() { command -v soffice >/dev/null 2>&1; }
have_pdftoppm() { command -v pdftoppm >/dev/null 2>&1; }

missing=()
have_soffice || missing+=(libreoffice-writer-nogui)
have_pdftoppm || missing+=(poppler-utils)
if [ ${#missing[@]} -eq 0 ]; then
  echo "==> LibreOffice 和 poppler 已安装 / soffice and pdftoppm found"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "⚠ 缺少 ${missing[*]}（报送文档的渲染测试需要，会跳过），无法自动安装（需要 root 和 apt-get）。请运行：sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "==> 安装 ${missing[*]}（apt-get）/ installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
have_soffice && have_pdftoppm && { echo "    已安装 / installed"; exit 0; }
echo "⚠ 安装后仍缺少 ${missing[*]} / still missing after apt-get install" >&2
exit 1
