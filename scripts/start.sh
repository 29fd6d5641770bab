#!/usr/bin/env bash
# npm start: build the front end if its sources changed (into builds/build-<hash>/, never over a running
# server's files), initialise the data folder (2020 plan, demo accounts unless DUBAN_DEMO=0), serve.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
ensure_deps
npx svelte-kit sync >/dev/null
STATIC_DIR="${STATIC_DIR:-$(node scripts/build-select.ts)}"
export STATIC_DIR
# Initialised in a process of its own, so the server's (a supervisor of WEB_PROCESSES web processes and a
# job process) loads only what it runs.
node --max-semi-space-size=16 --expose-gc bin/duban.mjs start --init-only
exec node --max-semi-space-size=16 --expose-gc bin/duban.mjs serve
