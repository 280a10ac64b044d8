/* Shared by the explorer and the embed: draw the Plotly figure prepared by the server,
   theme it for light/dark, and move the view to an event. No event text is inserted here. */
(function () {
  'use strict';

  function isDark() {
    var root = document.documentElement;
    if (root.classList.contains('theme-dark')) return true;
    if (root.classList.contains('theme-light')) return false;
    return window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
  }

  /* Narrow screens (a phone): the lane names move inside the plot, above each lane, so the plot
     gets the width; date labels stay horizontal and whole (years when the view spans years). */
  function narrowLayout(copy, width) {
    copy.margin = Object.assign({}, copy.margin, { l: 8, r: 8 });
    var y = copy.yaxis || {};
    // the landmarks' labels were placed for a wider plot: a phone shows the markers alone
    copy.annotations = (copy.annotations || []).filter(function (a) { return !/^landmark:/.test(a.name || ''); });
    copy.annotations = copy.annotations.concat((y.tickvals || []).map(function (v, i) {
      return { xref: 'paper', yref: 'y', x: 0, y: v, xanchor: 'left', yanchor: 'bottom', yshift: 6,
               text: (y.ticktext || [])[i], showarrow: false, font: { size: 11 }, opacity: 0.85 };
    }));
    copy.yaxis = Object.assign({}, y, { showticklabels: false });
    var r = (copy.xaxis.range || []).map(function (v) { return new Date(v).getTime(); });
    var years = r.length === 2 ? (r[1] - r[0]) / (365.25 * 864e5) : 10;
    var zh = copy.meta && copy.meta.lang === 'zh';
    copy.xaxis = Object.assign({}, copy.xaxis, { tickangle: 0, nticks: Math.max(3, Math.floor(width / 80)) });
    if (years >= 2) copy.xaxis.tickformat = zh ? '%Y年' : '%Y';
    return copy;
  }

  function themedLayout(layout, el) {
    var dark = isDark();
    var fg = dark ? '#e6e6e6' : '#1b1b1b';
    var grid = dark ? 'rgba(200,200,200,0.16)' : 'rgba(100,100,100,0.18)';
    var copy = JSON.parse(JSON.stringify(layout));
    copy.font = Object.assign({}, copy.font, { color: fg });
    copy.annotations = (copy.annotations || []).map(function (a) {  // landmark labels: readable over markers
      return /^landmark:/.test(a.name || '') ? Object.assign({}, a, { bgcolor: dark ? 'rgba(20,20,20,0.8)' : 'rgba(255,255,255,0.8)' }) : a;
    });
    copy.xaxis = Object.assign({}, copy.xaxis, { gridcolor: grid, color: fg });
    copy.yaxis = Object.assign({}, copy.yaxis, { gridcolor: grid, color: fg });
    copy.xaxis.rangeslider = Object.assign({}, copy.xaxis.rangeslider, { bgcolor: dark ? '#1e1e1e' : '#f4f4f4' });
    copy.hoverlabel = Object.assign({}, copy.hoverlabel, {
      bgcolor: dark ? '#2a2a2a' : '#ffffff', font: { color: fg }, bordercolor: dark ? '#777' : '#999'
    });
    var width = el ? el.getBoundingClientRect().width : 0;
    return width && width < 600 ? narrowLayout(copy, width) : copy;
  }

  function config(filename, figure) {
    var buttons = [];
    if (window.Plotly && Plotly.Icons) {
      buttons.push({
        name: 'Download SVG', icon: Plotly.Icons.disk,
        click: function (gd) { Plotly.downloadImage(gd, { format: 'svg', filename: filename }); }
      });
    }
    return {
      responsive: true, displaylogo: false, scrollZoom: false,
      showLink: false, showSendToCloud: false, showEditInChartStudio: false, showSources: false,
      modeBarButtonsToRemove: ['lasso2d', 'select2d', 'autoScale2d'],
      modeBarButtonsToAdd: buttons,
      toImageButtonOptions: { format: 'png', filename: filename, scale: 2 },
      // the as_of line can be dragged to another day (explorer.js reloads the view for it)
      edits: { shapePosition: !!(figure && figure.layout.meta && figure.layout.meta.as_of) }
    };
  }

  /* plotly.js (the partial bundle, about 310 KB brotli) is fetched only after the first paint:
     parsing it competed with the page's own first paint for the CPU (the server-drawn preview
     shows the chart meanwhile). */
  var plotlyReady = null;
  function loadPlotly() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (plotlyReady) return plotlyReady;
    var holder = document.getElementById('plotly-js');
    if (!holder) return Promise.resolve(null);
    plotlyReady = new Promise(function (resolve) {
      requestAnimationFrame(function () {
        setTimeout(function () {
          var s = document.createElement('script');
          s.src = holder.getAttribute('src');
          s.onload = function () { resolve(window.Plotly || null); };
          s.onerror = function () { resolve(null); };  // the preview and the list stay
          document.head.appendChild(s);
        }, 0);
      });
    });
    return plotlyReady;
  }

  function draw(el, figure, handlers) {
    if (!el) return Promise.resolve(null);
    return loadPlotly().then(function (Plotly) {
      return Plotly ? react(el, figure, handlers) : null;
    });
  }

  /* On a phone the markers are drawn smaller (the server sized them for a wider plot): with
     the same rows per lane, close events then stay apart. */
  var NARROW_MARKERS = 0.7;
  function themedData(data, el) {
    var width = el ? el.getBoundingClientRect().width : 0;
    if (!(width && width < 600)) return data;
    return data.map(function (tr) {
      if (!tr.marker || !Array.isArray(tr.marker.size)) return tr;
      var copy = Object.assign({}, tr);
      copy.marker = Object.assign({}, tr.marker, { size: tr.marker.size.map(function (s) { return Math.round(s * NARROW_MARKERS * 10) / 10; }) });
      return copy;
    });
  }

  /* The range slider is about three quarters of plotly.js's first draw of the explorer's chart
     (scripts/probe_chart_draw.py). A chart's first draw leaves it out, its place kept by the
     bottom margin (the plot area app/preview.py computes for the slider), and adds it right after:
     the markers answer sooner and nothing moves. */
  function withoutSlider(layout) {
    var s = layout.xaxis && layout.xaxis.rangeslider, m = layout.margin;
    if (!s || !s.visible || !m || !layout.height) return null;
    var plotH = Math.floor((layout.height - m.t - m.b - 37) / (1 + (s.thickness || 0.15)));
    var first = JSON.parse(JSON.stringify(layout));
    first.xaxis.rangeslider.visible = false;
    first.margin.b = layout.height - m.t - plotH;
    first.margin.l = Math.max(m.l, 15);  // the slider's handles keep 15 px on its left (plotly.js extraPad)
    return first;
  }

  function react(el, figure, handlers) {
    var layout = themedLayout(figure.layout, el);
    var first = el._fullLayout ? null : withoutSlider(layout);
    return Plotly.react(el, themedData(figure.data, el), first || layout, config('chip-controls-timeline', figure)).then(function (gd) {
      if (!gd.__cctBound) {
        gd.__cctBound = true;
        gd.on('plotly_click', function (ev) {
          var p = ev && ev.points && ev.points[0];
          if (p && p.customdata && handlers && handlers.select) handlers.select(p.customdata[0]);
        });
        gd.on('plotly_relayout', function (ev) { if (handlers && handlers.relayout && !el.__cctSettling) handlers.relayout(ev); });
        gd.on('plotly_hover', function (ev) {
          var p = ev && ev.points && ev.points[0];
          if (p && Array.isArray(p.customdata)) showThread(gd, p.customdata[0], true);
        });
        gd.on('plotly_unhover', function () { showThread(gd, el.__cctSelected || null, true); });
      }
      if (el.__cctSelected) showThread(gd, el.__cctSelected, true);
      var preview = el.querySelector('.chart-preview');  // the server-drawn picture, now covered
      if (preview) preview.remove();
      if (!first) return gd;
      // the markers answer now; the range slider comes in the next task (not the reader's zoom:
      // explorer.js leaves the URL alone)
      return new Promise(function (resolve) { setTimeout(resolve, 0); }).then(function () {
        el.__cctSettling = true;
        return Plotly.relayout(gd, { 'xaxis.rangeslider.visible': true, 'margin.b': layout.margin.b, 'margin.l': layout.margin.l });
      }).then(function () { el.__cctSettling = false; return gd; }, function () { el.__cctSettling = false; return gd; });
    }).then(function (gd) {
      el.setAttribute('data-drawn', 'true');  // settled: with its range slider
      return gd;
    });
  }

  /* The thread of an event: its causes and what it caused, followed link by link in each
     direction (what it links to, and what those link to; what links to it, and what links to
     those), from the figure's link trace; not the events merely beside it on another thread. */
  function threadOf(gd, id) {
    var conn = (gd.data || []).filter(function (t) { return t.meta && t.meta.connectors; })[0];
    var out = { x: [], y: [] };
    if (!conn || !id) return out;
    var cd = conn.customdata || [], keep = {}, i;
    // a link is drawn from the event it links to (cd[i]) to the event that makes it (cd[i + 1])
    [[1, 0], [0, 1]].forEach(function (dir) {
      var reached = {}, frontier = [id];
      reached[id] = true;
      while (frontier.length) {
        var next = [];
        for (i = 0; i + 1 < cd.length; i += 3) {
          var from = cd[i + dir[0]], to = cd[i + dir[1]];
          if (frontier.indexOf(from) >= 0) {
            keep[i] = true;
            if (!reached[to]) { reached[to] = true; next.push(to); }
          }
        }
        frontier = next;
      }
    });
    Object.keys(keep).forEach(function (k) {
      var j = +k;
      out.x.push(conn.x[j], conn.x[j + 1], null);
      out.y.push(conn.y[j], conn.y[j + 1], null);
    });
    return out;
  }

  function showThread(el, id, transient) {
    if (!transient) el.__cctSelected = id || null;
    if (!window.Plotly || !el.data) return;
    var idx = -1;
    el.data.forEach(function (t, i) { if (t.meta && t.meta.thread) idx = i; });
    if (idx < 0) return;
    var th = threadOf(el, id);
    el.setAttribute('data-thread', String(th.x.length / 3));
    Plotly.restyle(el, { x: [th.x], y: [th.y] }, [idx]);
  }

  function markerCount(el) {
    return el ? el.querySelectorAll('.cartesianlayer .subplot.xy .scatterlayer .trace .points path.point').length : 0;
  }

  /* Centre the view on a date (keeping the current span if it is narrower than two years) and mark it. */
  function focusDate(el, isoDate) {
    if (!window.Plotly || !el || !el.layout) return;
    var day = new Date(isoDate + 'T00:00:00Z').getTime();
    var r = el.layout.xaxis.range.map(function (v) { return new Date(v).getTime(); });
    var span = Math.min(r[1] - r[0], 2 * 365 * 864e5);
    // The detail panel lies over the chart's right side (it never narrows the chart): centre
    // the event in the part of the plot left uncovered.
    var visible = 1, size = el._fullLayout && el._fullLayout._size, panel = document.getElementById('detail');
    if (size && panel && !panel.hidden) {
      var left = el.getBoundingClientRect().left + size.l;
      var frac = (panel.getBoundingClientRect().left - left) / size.w;
      if (frac > 0.25 && frac < 1) visible = frac;
    }
    var start = new Date(day - span * visible / 2).toISOString().slice(0, 10);
    var end = new Date(day - span * visible / 2 + span).toISOString().slice(0, 10);
    Plotly.relayout(el, {
      'xaxis.range': [start, end],
      shapes: kept(el).concat([{ type: 'line', xref: 'x', yref: 'paper', x0: isoDate, x1: isoDate, y0: 0, y1: 1,
                                 line: { color: 'rgba(200,120,0,0.8)', width: 2 } }])
    });
  }

  function kept(el) {  // the as_of line stays when an event's focus line comes and goes
    return ((el.layout && el.layout.shapes) || []).filter(function (s) { return s.name === 'as-of'; });
  }

  function clearFocus(el) {
    if (window.Plotly && el && el.layout) Plotly.relayout(el, { shapes: kept(el) });
  }

  /* The embed dialog. codes(lang) gives the embed of the current view in a language: {src,
     script, height}. The options (title, note, language, theme, height, date range, list) are
     the embed's own parameters: each change rewrites both codes and the live preview. A value
     the embed would refuse (a height out of range, a range that ends before it starts) is
     marked and left out of the code, never silently changed. */
  function embedDialog(strings, codes) {
    var button = document.getElementById('embed-button');
    var template = document.getElementById('embed-dialog-template');
    if (!button || !template || !window.HTMLDialogElement || !('showModal' in HTMLDialogElement.prototype)) return;
    var dialog = null, form = null, invalid = null, preview = null;
    var timer = null;
    function field(name) { return form && form.elements[name] ? form.elements[name] : null; }
    function escapeAttr(v) { return String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;'); }

    /* The dialog is made from its template the first time it opens (see _macros.html). */
    function make() {
      if (dialog) return;
      document.body.appendChild(template.content.cloneNode(true));
      dialog = document.getElementById('embed-dialog');
      form = dialog.querySelector('form.embed-options');
      invalid = dialog.querySelector('.embed-invalid');
      preview = document.getElementById('embed-preview');
      if (form) {
        form.addEventListener('input', function () { build(false); });
        form.addEventListener('change', function () { build(false); });
        form.addEventListener('submit', function (ev) { ev.preventDefault(); });
      }
      Array.prototype.forEach.call(dialog.querySelectorAll('button.copy'), function (b) {
        b.addEventListener('click', function () {
          var ta = document.getElementById(b.getAttribute('data-target'));
          var done = function () { b.textContent = strings.copied; setTimeout(function () { b.textContent = strings.copy; }, 1500); };
          if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(ta.value).then(done, function () { ta.select(); });
          else { ta.select(); try { document.execCommand('copy'); done(); } catch (e) { /* selected for manual copy */ } }
        });
      });
    }

    function build(previewNow) {
      var lang = field('lang') ? field('lang').value : undefined;
      var c = codes(lang);
      var src = new URL(c.src, location.href), bad = false;
      function mark(el, ok) { if (el) { el.setAttribute('aria-invalid', String(!ok)); bad = bad || !ok; } }
      function set(name, value, dflt) {
        if (value && value !== dflt) src.searchParams.set(name, value); else src.searchParams.delete(name);
      }
      var f;
      if ((f = field('title'))) set('title', f.value.trim());
      if ((f = field('note'))) set('note', f.value.trim());
      if ((f = field('theme'))) set('theme', f.value, 'auto');
      var height = c.height || 560;
      if ((f = field('height'))) {
        var h = f.value.trim() === '' ? height : Number(f.value);
        var ok = Math.floor(h) === h && h >= 150 && h <= 2000;
        mark(f, ok);
        if (ok) height = h;
        set('height', String(height), String(c.height || 560));
      }
      var from = field('from'), to = field('to');
      if (from && to) {
        var okRange = !(from.value && to.value && from.value > to.value);
        mark(from, okRange && (from.value === '' || from.validity.valid));
        mark(to, okRange && (to.value === '' || to.validity.valid));
        if (from.getAttribute('aria-invalid') === 'false') set('from', from.value); else src.searchParams.delete('from');
        if (to.getAttribute('aria-invalid') === 'false') set('to', to.value); else src.searchParams.delete('to');
      }
      if ((f = field('list'))) set('list', f.checked ? '' : 'false');
      if (invalid) invalid.hidden = !bad;
      var title = (field('title') && field('title').value.trim()) || document.querySelector('h1').textContent.trim();
      var frame = '<iframe src="' + escapeAttr(src.href) + '" title="' + escapeAttr(title) +
        '" width="100%" height="' + height + '" style="border:0;max-width:100%" loading="lazy"';
      document.getElementById('embed-code-iframe').value = frame + '></iframe>';
      document.getElementById('embed-code-script').value = frame + ' data-cct-embed></iframe>\n<script src="' +
        escapeAttr(c.script) + '" async></' + 'script>';
      clearTimeout(timer);
      var load = function () {
        if (preview.getAttribute('src') !== src.href) preview.src = src.href;
        preview.style.height = height + 'px';
      };
      if (previewNow) load(); else timer = setTimeout(load, 400);
    }

    button.hidden = false;
    button.addEventListener('click', function () {
      make();
      var view = new URL(codes(field('lang') ? field('lang').value : undefined).src, location.href).searchParams;
      // the date range starts as the view's own (a year or a month is shown from its first day)
      [['from', false], ['to', true]].forEach(function (pair) {
        var f = field(pair[0]), v = view.get(pair[0]) || '';
        if (!f) return;
        if (/^\d{4}$/.test(v)) v += pair[1] ? '-12-31' : '-01-01';
        else if (/^\d{4}-\d{2}$/.test(v)) v = pair[1] ? v + '-' + new Date(+v.slice(0, 4), +v.slice(5, 7), 0).getDate() : v + '-01';
        f.value = v;
      });
      if (field('height') && !field('height').value) field('height').value = String(codes().height || 560);
      build(true);
      dialog.showModal();
    });
  }

  /* Narrow screens (a phone): the list comes first and the chart is shown when its "Show chart"
     box is ticked; the stylesheet applies both from the first frame (static/style.css), so this
     only opens the filter form on a wide screen (it is served closed) and redraws the chart
     when the box changes. Returns {shown()}. */
  function chartToggle(redraw) {
    var narrow = window.matchMedia('(max-width: 640px)');
    var box = document.getElementById('show-chart');
    var filters = document.getElementById('filters-box');
    if (!narrow.matches) filters.open = true;
    filters.setAttribute('data-ready', '');
    function shown() { return !narrow.matches || box.checked; }
    box.addEventListener('change', function () { redraw(); });
    narrow.addEventListener('change', function () { redraw(); });
    return { shown: shown };
  }

  /* The filter form applies itself: on submit, on any change (dates once valid), and while
     typing in the search box (debounced). */
  function watchFilters(form, apply) {
    var timer = null;
    form.addEventListener('submit', function (ev) { ev.preventDefault(); apply(); });
    form.addEventListener('change', function (ev) {
      if (ev.target.id === 'q') return;
      apply();  // an invalid date too: the server answers with the message beside the field
    });
    form.addEventListener('input', function (ev) {
      if (ev.target.id !== 'q') return;
      clearTimeout(timer);
      timer = setTimeout(apply, 300);
    });
  }

  /* The detail panel steps to the previous and next event of the list as shown (its order and
     filters), with buttons and the ← → keys, as TimelineJS's slides do. `select(id)` opens one. */
  function stepper(detail, select) {
    var prev = detail.querySelector('.detail-prev'), next = detail.querySelector('.detail-next');
    if (!prev || !next) return { update: function () {} };
    function ids() {
      return Array.prototype.map.call(document.querySelectorAll('#event-list li.event'), function (li) {
        return li.getAttribute('data-id');
      });
    }
    function current() { var a = detail.querySelector('article.detail[data-id]'); return a && a.getAttribute('data-id'); }
    function neighbour(delta) {
      var list = ids(), i = list.indexOf(current());
      return i < 0 ? null : list[i + delta] || null;
    }
    function update() {
      prev.disabled = !neighbour(-1);
      next.disabled = !neighbour(1);
    }
    function go(delta) { var id = neighbour(delta); if (id) select(id); }
    prev.addEventListener('click', function () { go(-1); });
    next.addEventListener('click', function () { go(1); });
    document.addEventListener('keydown', function (ev) {
      if (detail.hidden || ev.altKey || ev.ctrlKey || ev.metaKey || document.querySelector('dialog[open]')) return;
      if (/input|textarea|select/i.test(ev.target.tagName)) return;
      if (ev.key === 'ArrowRight' && neighbour(1)) { ev.preventDefault(); go(1); }
      if (ev.key === 'ArrowLeft' && neighbour(-1)) { ev.preventDefault(); go(-1); }
    });
    return { update: update };
  }

  /* A link into the list (#e-<id>): the browser scrolls to it when it first finds it, which can be
     while the list is still deferred or its years are placeholders (static/style.css), or before
     a script redraws the list. Called once the list is in place: the target is scrolled into view
     again after two frames, unless the reader has scrolled meanwhile. */
  var readerScrolled = false;
  ['wheel', 'keydown', 'touchstart', 'mousedown'].forEach(function (type) {
    window.addEventListener(type, function () { readerScrolled = true; }, { once: true, passive: true });
  });
  function keepFragmentInView() {
    var id = null;
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }  // a malformed fragment
    var target = id && document.getElementById(id);
    var list = document.getElementById('event-list');
    if (!target || !list || !list.contains(target)) return;
    requestAnimationFrame(function () { requestAnimationFrame(function () {
      var box = target.getBoundingClientRect();
      if (!readerScrolled && (box.top < 0 || box.top > window.innerHeight - 40)) target.scrollIntoView();
    }); });
  }

  /* The detail drawer (fixed at the right) starts below the site header while the header is on
     screen, so its links (language, glossary, Embed) stay usable with an event open; a drawer as
     wide as the screen (phones) covers it all, as an overlay does. */
  function clearHeader(panel) {
    var header = document.querySelector('header.site');
    if (!panel || !header) return;
    function place() {
      var wide = window.innerWidth - panel.getBoundingClientRect().width > 1;
      panel.style.top = wide ? Math.max(0, Math.round(header.getBoundingClientRect().bottom)) + 'px' : '';
    }
    var queued = false;
    function later() {
      if (queued) return;
      queued = true;
      requestAnimationFrame(function () { queued = false; place(); });
    }
    window.addEventListener('scroll', later, { passive: true });
    window.addEventListener('resize', later);
    new MutationObserver(later).observe(panel, { attributes: true, attributeFilter: ['hidden'] });
    place();
  }

  window.CCT = { clearHeader: clearHeader, stepper: stepper, draw: draw, focusDate: focusDate, clearFocus: clearFocus, keptShapes: kept, markerCount: markerCount, isDark: isDark,
                 embedDialog: embedDialog, chartToggle: chartToggle, showThread: showThread,
                 watchFilters: watchFilters, keepFragmentInView: keepFragmentInView };
})();
