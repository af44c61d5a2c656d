#!/usr/bin/env bash
# README command 2: set up, then run the whole test suite against the real components.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup.sh
export CALLCENTER_TEST_PG="${CALLCENTER_TEST_PG:-postgresql://postgres:postgres@127.0.0.1:5432}"
exec .venv/bin/pytest "$@"
