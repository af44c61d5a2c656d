#!/usr/bin/env bash
# axe-core (Deque, MPL-2.0) for the browser tests' accessibility check: installed from npm into
# a cache outside the repo and copied to a gitignored folder the tests read. Idempotent; the
# pages never load it (tests evaluate it in the page).
set -euo pipefail
cd "$(dirname "$0")/.."
AXE_VERSION="${AXE_VERSION:-4.10.3}"
cache="${CALLCENTER_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/callcenter}/axe-$AXE_VERSION"
src="$cache/node_modules/axe-core/axe.min.js"
out="tests/vendor/axe.min.js"
if [ ! -s "$src" ]; then
    mkdir -p "$cache"
    (cd "$cache" && { [ -f package.json ] || echo '{"private":true}' > package.json; } \
        && npm install --no-audit --no-fund --silent "axe-core@$AXE_VERSION")
fi
if ! cmp -s "$src" "$out"; then
    mkdir -p "$(dirname "$out")"
    cp "$src" "$out"
    echo "axe: copied $out" >&2
fi
