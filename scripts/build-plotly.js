// Builds static/vendor/plotly-core.min.js, the partial plotly.js bundle the pages load: the
// pinned plotly.js package's own src/core.js with only the components the chart uses,
// bundled and minified by esbuild (pinned beside it). `npm run build-plotly` (package.json)
// runs it from the repository root after `npm ci`; `make vendor` does both.
//
// The chart (app/figure.py, static/timeline.js) uses scatter traces on cartesian date axes,
// the range slider, shapes (the as-of line), annotations (landmark labels), hover (fx), the
// legend module (fx's defaults read it; the legend itself is HTML beside the chart) and the
// modebar (its PNG download needs the Snapshot module core.js exports). Left out, none of
// them used by the figure: 3-D annotations, selections (no lasso or box select: the modebar
// removes both), images, updatemenus, sliders, range-selector buttons, grid, error bars,
// colour bars: about 20 KB less of the bundle (brotli). tests/test_plotly_bundle.py checks
// that the figures the server builds need none of them.
'use strict';
const fs = require('fs');
const path = require('path');

const DROPPED = ['annotations3d', 'selections', 'images', 'updatemenus', 'sliders', 'rangeselector',
  'grid', 'errorbars', 'colorbar'];
const core = path.join('node_modules', 'plotly.js', 'src', 'core.js');
let src = fs.readFileSync(core, 'utf8')
  .split("require('./").join("require('plotly.js/src/")
  .split("require('../build/").join("require('plotly.js/build/");
for (const name of DROPPED) {
  const line = `    require('plotly.js/src/components/${name}'),\n`;
  if (!src.includes(line)) {
    console.error(`plotly-entry: ${core} no longer registers components/${name} as expected`);
    process.exit(1);
  }
  src = src.replace(line, '');
}
require('esbuild').buildSync({
  stdin: { contents: src, resolveDir: process.cwd(), sourcefile: 'plotly-partial.js' },
  outfile: path.join('static', 'vendor', 'plotly-core.min.js'),
  bundle: true, minify: true, format: 'iife', globalName: 'Plotly', target: 'es2016',
  define: { global: 'window', 'define.amd': 'false' }, loader: { '.css': 'empty' },
  legalComments: 'eof', logLevel: 'warning',
  banner: { js: '/*! plotly.js partial bundle: src/core.js with the scatter trace, cartesian and date axes, ' +
    'range slider, shapes, annotations, hover and modebar (scripts/build-plotly.js), minified by esbuild. ' +
    'Copyright Plotly, Inc.; MIT licence */' },
});
