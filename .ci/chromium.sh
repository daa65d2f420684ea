#!/usr/bin/env bash
# Headless Chromium for the browser test (make test-browser): Debian's
# `chromium` package, installed with apt-get when it is missing, never
# skipped. Prints the browser's path.
#
#   CHROMIUM=/path/to/chromium   use that browser instead (it must run)
set -euo pipefail

if [ -n "${CHROMIUM:-}" ]; then
  "$CHROMIUM" --version >&2
  echo "$CHROMIUM"
  exit 0
fi
if ! command -v chromium >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "chromium is missing and installing it needs root (apt-get install -y chromium)" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "chromium: installing Debian's package" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >&2 || {
    $sudo apt-get update >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >&2
  }
fi
chromium --version >&2
command -v chromium
