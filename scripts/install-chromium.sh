#!/usr/bin/env bash
# Browser tests drive the system Chromium (Debian package `chromium`), never a
# browser downloaded by a test tool. Installs it when missing and we may.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium for the browser tests (apt-get install chromium)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "Chromium is not installed: the browser tests will be skipped." >&2
echo "Install it with: sudo apt-get install chromium (or set CARNET_CHROMIUM to its path)." >&2
