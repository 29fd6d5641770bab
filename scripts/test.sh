#!/usr/bin/env bash
# Runs every suite (unit + API + CLI with vitest, browser with Playwright, documents with LibreOffice) and
# ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
ensure_deps
ensure_chromium
ensure_libreoffice
ensure_postgres || { echo "0 passed, 1 failed"; exit 1; }
trap stop_postgres EXIT

rm -rf reports && mkdir -p reports
npx svelte-kit sync >/dev/null
echo "=== build (vite build)"
npx vite build --logLevel warn || { echo "0 passed, 1 failed"; exit 1; }

echo "=== unit, API and command-line tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=reports/unit.json
echo "=== browser tests (Playwright, ${CHROMIUM_PATH:-/usr/bin/chromium})"
npx playwright test
echo "=== documents (LibreOffice → PDF, PNG pages in reports/docs/)"
node test/docs/run.ts

node scripts/test-summary.mjs
