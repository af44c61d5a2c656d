#!/usr/bin/env bash
# README command 2 (CI runs exactly this): set up, then the whole check against the real
# components: format, lint, types, then every test. Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup.sh
.venv/bin/ruff format --check platform tests bench
.venv/bin/ruff check platform tests bench
.venv/bin/mypy
export CALLCENTER_TEST_PG="${CALLCENTER_TEST_PG:-postgresql://postgres:postgres@127.0.0.1:5432}"
# Here the browser tests fail when Chromium is missing instead of skipping.
export CALLCENTER_REQUIRE_BROWSER=1
exec .venv/bin/pytest "$@"
