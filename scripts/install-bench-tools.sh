#!/usr/bin/env bash
# Installs the load generator `make bench` drives the servers with: wrk (Debian package).
# Exits 0 when wrk is there afterwards; otherwise says why and exits 1, and `make bench`
# stops (the harness never silently falls back to a weaker load generator).
set -u
if command -v wrk >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
        echo "install-bench-tools: wrk is missing and this user cannot install packages;" \
             "install it with: apt-get install -y wrk" >&2
        exit 1
    fi
fi
if command -v apt-get >/dev/null 2>&1; then
    echo "install-bench-tools: installing wrk (apt-get install -y wrk)"
    $SUDO apt-get install -y --no-install-recommends wrk >/dev/null 2>&1 \
        || { $SUDO apt-get update >/dev/null 2>&1 \
             && $SUDO apt-get install -y --no-install-recommends wrk >/dev/null 2>&1; }
fi
if ! command -v wrk >/dev/null 2>&1; then
    echo "install-bench-tools: could not install wrk. On Debian or Ubuntu run" \
         "'apt-get install -y wrk'; elsewhere see https://github.com/wg/wrk" >&2
    exit 1
fi
echo "install-bench-tools: $(wrk --version 2>&1 | head -1)"
