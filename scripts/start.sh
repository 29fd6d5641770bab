#!/usr/bin/env bash
# npm start: build the front end, initialise the data folder (2020 plan, demo accounts unless DUBAN_DEMO=0), serve.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
ensure_deps
npx svelte-kit sync >/dev/null
npx vite build --logLevel warn
exec node bin/duban.mjs start
