#!/usr/bin/env bash
# README command 1: set up, then run the platform locally with a demo tenant.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup.sh
exec .venv/bin/callcenter demo "$@"
