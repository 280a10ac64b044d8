/* The static site's chart: the server's figure of every event (app/figure.py), restricted to
   the events a query matched, with the same lanes (a lane without events collapses), the same
   stacking of close events within a lane and the same zoom. Pure: no page state.
   window.CCTStaticFigure.build(fullFigure, kept, state, {muted, asOf, sideLabels}). */
(function () {
  'use strict';
  var LANES = ['china', 'allies', 'us'];  // app/figure.py
  var OFFSETS = [0.0, 0.15, -0.15, 0.3, -0.3, 0.45, -0.45];  // app/figure.py OFFSETS
  var DAY = 864e5;

  function partialDate(value, end) {  // for the zoom range only; null if invalid
    try { return window.CCTQuery.partialDate(String(value || ''), end); } catch (e) { return null; }
  }

  function shownLanes(list) {  // app/figure.py shown_lanes(): a lane without events collapses
    var present = {};
    list.forEach(function (e) { present[e.side] = true; });
    var shown = LANES.filter(function (side) { return present[side]; });
    return shown.length ? shown : LANES.slice();
  }

  function lanePositions(list, gap, lanes) {  // app/figure.py _lane_positions()
    var pos = {}, last = {};
    list.slice().sort(function (a, b) { return a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0; })
      .forEach(function (e) {
        var slot = -1, t = Date.parse(e.date);
        for (var s = 0; s < OFFSETS.length; s++) {
          var prev = last[e.side + s];
          if (prev === undefined || (t - Date.parse(prev)) / DAY > gap) { slot = s; break; }
        }
        if (slot < 0) {
          slot = 0;
          for (var k = 1; k < OFFSETS.length; k++) if (last[e.side + k] < last[e.side + slot]) slot = k;
        }
        last[e.side + slot] = e.date;
        pos[e.id] = lanes.indexOf(e.side) + OFFSETS[slot];
      });
    return pos;
  }

  /* app/figure.py landmark_labels(): the short labels of the landmarks in view (significance 3),
     above their marker or, if that collides with a label placed, below; skipped if both collide;
     at the scale of the view, so a narrower view labels what the whole one had no room for. */
  var LABEL_FONT_PX = 11;
  function textPx(text) {  // app/figure.py _text_px
    var w = 0;
    for (var ch of text) w += LABEL_FONT_PX * (ch.codePointAt(0) > 0x2E80 ? 1.0 : 0.58);
    return w + 6;
  }
  function escapeText(text) { return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }
  function landmarkLabels(list, y, view, plotPx, lang, muted) {
    var v0 = Date.parse(view[0]), span = Math.max(Math.round((Date.parse(view[1]) - v0) / DAY), 1);
    var placed = [], out = [];
    list.filter(function (e) { return e.significance === 3 && e.label && !muted[e.id]; })
      .sort(function (a, b) { return a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0; })
      .forEach(function (e) {
        if (!(view[0] <= e.date && e.date <= view[1])) return;
        var text = e.label[lang] || e.label.en;
        var x = Math.round((Date.parse(e.date) - v0) / DAY) / span * plotPx, width = textPx(text);
        var x0 = x - width / 2, x1 = x + width / 2;
        var tries = [[12, [y[e.id] + 0.04, y[e.id] + 0.2]], [-12, [y[e.id] - 0.2, y[e.id] - 0.04]]];
        for (var t = 0; t < tries.length; t++) {
          var shift = tries[t][0], band = tries[t][1];
          var hit = placed.some(function (p) { return p[0] < x1 && x0 < p[1] && p[2] < band[1] && band[0] < p[3]; });
          if (hit) continue;
          placed.push([x0, x1, band[0], band[1]]);
          out.push({ x: e.date, y: y[e.id], yshift: shift, text: escapeText(text), showarrow: false, xanchor: 'center',
                     yanchor: shift > 0 ? 'bottom' : 'top', font: { size: LABEL_FONT_PX }, bgcolor: 'rgba(255,255,255,0.8)',
                     borderpad: 1, name: 'landmark:' + e.id, captureevents: false });
          break;
        }
      });
    return out;
  }

  function shiftDate(iso, days) { return new Date(Date.parse(iso) + days * DAY).toISOString().slice(0, 10); }

  /* The figure of `kept` (events of events.json) at the view `s` (x0, x1, connectors), from the
     server's figure of every event; with asOf, what was not in force that day (muted) greyed. */
  function build(fullFigure, kept, s, opts) {
    opts = opts || {};
    var muted = opts.muted || {}, asOf = opts.asOf, sideLabels = opts.sideLabels || {};
    var keep = {};
    kept.forEach(function (e) { keep[e.id] = true; });
    var first, lastDay;
    if (kept.length) {
      var dates = kept.map(function (e) { return e.date; }).sort();
      first = shiftDate(dates[0], -45);
      lastDay = shiftDate(dates[dates.length - 1], 45);
    } else {
      first = '2018-01-01';
      lastDay = new Date().toISOString().slice(0, 10);
    }
    var x0 = s.x0 && partialDate(s.x0, false), x1 = s.x1 && partialDate(s.x1, true);
    var view = x0 && x1 && x0 < x1 ? [x0, x1] : [first, lastDay];
    var meta = fullFigure.layout.meta || {};  // app/figure.py gap_days(): GAP_PX at the view's scale
    var gap = Math.max(Math.round((Date.parse(view[1]) - Date.parse(view[0])) / DAY), 1) * meta.gap_px / meta.plot_px;
    var lanes = shownLanes(kept);
    var y = lanePositions(kept, gap, lanes);
    var data = [];
    fullFigure.data.forEach(function (tr) {
      var copy = Object.assign({}, tr);
      if (tr.meta && tr.meta.connectors) {
        copy.x = []; copy.y = []; copy.customdata = [];
        for (var i = 0; i + 1 < tr.customdata.length; i += 3) {
          var a = tr.customdata[i], b = tr.customdata[i + 1];
          if (keep[a] && keep[b]) {
            copy.x.push(tr.x[i], tr.x[i + 1], null);
            copy.y.push(y[a], y[b], null);
            copy.customdata.push(a, b, null);
          }
        }
        copy.visible = s.connectors ? true : 'legendonly';
        data.push(copy);
        return;
      }
      if (tr.meta && tr.meta.thread) { data.push(copy); return; }  // drawn on hover (timeline.js)
      var idx = [];
      (tr.customdata || []).forEach(function (cd, i) { if (keep[cd[0]]) idx.push(i); });
      if (!idx.length) return;  // the server leaves out empty categories
      function pick(arr) { return Array.isArray(arr) ? idx.map(function (i) { return arr[i]; }) : arr; }
      copy.x = pick(tr.x);
      copy.customdata = pick(tr.customdata);
      copy.y = copy.customdata.map(function (cd) { return y[cd[0]]; });
      if (tr.marker) {
        copy.marker = Object.assign({}, tr.marker, { size: pick(tr.marker.size), symbol: pick(tr.marker.symbol) });
        if (tr.marker.line) copy.marker.line = Object.assign({}, tr.marker.line, { width: pick(tr.marker.line.width) });
        if (asOf) {  // as the server draws an as_of view: what was not in force that day, greyed
          var grey = copy.customdata.map(function (cd) { return !!muted[cd[0]]; });
          copy.marker.color = grey.map(function (g) { return g ? '#a9a9a9' : tr.marker.color; });
          copy.marker.opacity = grey.map(function (g) { return g ? 0.45 : 0.92; });
          if (copy.marker.line) copy.marker.line.color = copy.marker.color;
        }
      }
      data.push(copy);
    });
    var layout = JSON.parse(JSON.stringify(fullFigure.layout));
    layout.xaxis.range = view;
    // the landmarks' labels placed for this view (app/figure.py landmark_labels), as the server does
    layout.annotations = (layout.annotations || []).filter(function (a) { return !/^landmark:/.test(a.name || ''); })
      .concat(landmarkLabels(kept, y, view, meta.plot_px, meta.lang || 'en', muted));
    var fullLanes = (fullFigure.layout.meta || {}).lanes || LANES;
    layout.yaxis = Object.assign({}, layout.yaxis, {
      tickvals: lanes.map(function (_, i) { return i; }),
      ticktext: lanes.map(function (side) {
        var i = fullLanes.indexOf(side);
        return i >= 0 ? fullFigure.layout.yaxis.ticktext[i] : sideLabels[side] || side;
      }),
      range: [-0.6, Math.round((lanes.length - 1 + 0.6) * 1000) / 1000]
    });
    layout.xaxis.rangeslider = Object.assign({}, layout.xaxis.rangeslider, { range: [first, lastDay] });
    layout.meta = Object.assign({}, layout.meta, { events: kept.length }, asOf ? { as_of: asOf } : {});
    layout.shapes = asOf ? [{ type: 'line', name: 'as-of', xref: 'x', yref: 'paper', x0: asOf, x1: asOf, y0: 0, y1: 1,
                              line: { color: 'rgba(30,120,60,0.9)', width: 3 } }] : [];
    return { data: data, layout: layout };
  }

  window.CCTStaticFigure = { build: build };
})();
