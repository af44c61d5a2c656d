#!/usr/bin/env bash
# The one check command: format, lint, types, then the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff format --check platform tests bench
.venv/bin/ruff check platform tests bench
.venv/bin/mypy
bash deploy/test.sh "$@"
