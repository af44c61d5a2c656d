#!/usr/bin/env bash
# Mandarin system prompts and digits for Asterisk (idempotent: existing files are kept).
# Debian ships no Chinese sound pack: espeak-ng's cmn-latn-pinyin voice speaks them, sox makes
# them 8 kHz WAV, into Asterisk's sounds/zh (the host's, or the sandbox chroot's).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(bash deploy/sandbox.sh path 2>/dev/null || true)"
out="${CALLCENTER_SOUNDS_DIR:-$root/usr/share/asterisk/sounds}"
.venv/bin/python -m callcenter sounds zh --out "$out" >&2
