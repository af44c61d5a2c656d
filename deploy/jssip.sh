#!/usr/bin/env bash
# Build the JsSIP browser bundle for the agent console (idempotent; skipped when up to date).
# JsSIP's npm package ships no browser build: esbuild bundles it as an IIFE exposing JsSIP.
set -euo pipefail
cd "$(dirname "$0")/.."
JSSIP_VERSION="${JSSIP_VERSION:-3.13.8}"
ESBUILD_VERSION="${ESBUILD_VERSION:-0.28.2}"
cache="${CALLCENTER_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/callcenter/jssip-$JSSIP_VERSION}"
out="platform/callcenter/web/console/vendor/jssip.js"
if [ -s "$out" ] && [ -f "$cache/.built" ] && [ "$(cat "$cache/.built")" = "$JSSIP_VERSION" ]; then
    exit 0
fi
mkdir -p "$cache" "$(dirname "$out")"
if [ ! -d "$cache/node_modules/jssip" ] || [ ! -x "$cache/node_modules/.bin/esbuild" ]; then
    (cd "$cache" && { [ -f package.json ] || echo '{"private":true}' > package.json; } \
        && npm install --no-audit --no-fund --silent "jssip@$JSSIP_VERSION" "esbuild@$ESBUILD_VERSION")
fi
echo "import JsSIP from 'jssip'; window.JsSIP = JsSIP;" > "$cache/entry.js"
"$cache/node_modules/.bin/esbuild" "$cache/entry.js" --bundle --format=iife --minify \
    --log-level=warning --outfile="$out"
echo "$JSSIP_VERSION" > "$cache/.built"
echo "jssip: built $out" >&2
