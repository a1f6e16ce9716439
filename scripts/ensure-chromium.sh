#!/usr/bin/env bash
# The browser test drives Debian's Chromium (playwright-core never downloads a browser).
# Installs it from Debian's packages when it is missing and we may; otherwise says how.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium package for the browser test…" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The browser test needs Chromium at $CHROMIUM: install Debian's package (sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
exit 1
