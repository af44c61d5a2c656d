#!/usr/bin/env bash
# The QR code generator of the admin console (kazuhikoarase/qrcode-generator, MIT, no
# dependencies), installed from npm into a cache outside the repo and copied into the
# console's gitignored vendor folder. Idempotent; the console works without it (no QR shown).
set -euo pipefail
cd "$(dirname "$0")/.."
QRCODE_VERSION="${QRCODE_VERSION:-2.0.4}"
cache="${CALLCENTER_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/callcenter}/qrcode-$QRCODE_VERSION"
src="$cache/node_modules/qrcode-generator/dist/qrcode.js"
out="platform/callcenter/web/admin/vendor/qrcode.js"
if [ ! -s "$src" ]; then
    mkdir -p "$cache"
    (cd "$cache" && { [ -f package.json ] || echo '{"private":true}' > package.json; } \
        && npm install --no-audit --no-fund --silent "qrcode-generator@$QRCODE_VERSION")
fi
if ! cmp -s "$src" "$out"; then
    mkdir -p "$(dirname "$out")"
    cp "$src" "$out"
    echo "qrcode: copied $out" >&2
fi
