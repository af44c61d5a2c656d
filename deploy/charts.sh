#!/usr/bin/env bash
# Build the chart library for the console's reports and the wallboard (idempotent; skipped
# when up to date): ECharts' core with the line, bar, pie, tree and custom (the agent state
# timeline) charts, the grid, tooltip,
# legend and title components and the canvas renderer, bundled by esbuild as one IIFE that
# sets the global `echarts`, into the gitignored shared vendor folder.
set -euo pipefail
cd "$(dirname "$0")/.."
ECHARTS_VERSION="${ECHARTS_VERSION:-5.6.0}"
ESBUILD_VERSION="${ESBUILD_VERSION:-0.28.2}"
cache="${CALLCENTER_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/callcenter/echarts-$ECHARTS_VERSION}"
out="platform/callcenter/web/shared/vendor/echarts.js"
# What this bundle holds: a bundle built with other charts is rebuilt.
BUNDLE="$ECHARTS_VERSION line,bar,pie,tree,custom"
if [ -s "$out" ] && [ -f "$out.built" ] && [ "$(cat "$out.built")" = "$BUNDLE" ]; then
    exit 0
fi
mkdir -p "$cache" "$(dirname "$out")"
if [ ! -d "$cache/node_modules/echarts" ] || [ ! -x "$cache/node_modules/.bin/esbuild" ]; then
    (cd "$cache" && { [ -f package.json ] || echo '{"private":true}' > package.json; } \
        && npm install --no-audit --no-fund --silent "echarts@$ECHARTS_VERSION" "esbuild@$ESBUILD_VERSION")
fi
# Each checkout writes its own entry next to the shared npm packages (which it resolves).
entry="$(mktemp "$cache/entry.XXXXXX.js")"
trap 'rm -f "$entry"' EXIT
cat > "$entry" <<'JS'
import * as echarts from 'echarts/core';
import { LineChart, BarChart, PieChart, TreeChart, CustomChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, TitleComponent, DatasetComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
echarts.use([LineChart, BarChart, PieChart, TreeChart, CustomChart, GridComponent, TooltipComponent,
    LegendComponent, TitleComponent, DatasetComponent, CanvasRenderer]);
window.echarts = echarts;
JS
"$cache/node_modules/.bin/esbuild" "$entry" --bundle --format=iife --minify \
    --log-level=warning --outfile="$out"
echo "$BUNDLE" > "$out.built"
echo "charts: built $out" >&2
