/* The explorer: filters, chart, list, detail panel and URL state, as an enhancement of the
   server-rendered page (which works without this script). Every new view is fetched as the
   server's own HTML for that URL and its parts swapped in, so there is one rendering path. */
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('page-data').textContent);
  var lang = page.lang;
  var chart = document.getElementById('chart');
  var form = document.getElementById('filters');
  var detail = document.getElementById('detail');
  window.CCT.clearHeader(detail);
  var detailBody = document.getElementById('detail-body');
  var figure = page.figure;
  var loading = null;

  function currentUrl() { return new URL(location.href); }

  function setParam(name, value, push) {
    var u = currentUrl();
    if (value === null || value === undefined || value === '') u.searchParams.delete(name);
    else u.searchParams.set(name, value);
    history[push ? 'pushState' : 'replaceState']({}, '', u.pathname + '?' + u.searchParams.toString());
    syncLangLink();
  }

  /* The URL is the one state (filters, search, zoom, links toggle, open event); the language
     link always carries all of it. */
  var langLink = document.querySelector('a.lang-switch');
  function syncLangLink() {
    if (!langLink) return;
    var u = currentUrl();
    u.searchParams.set('lang', langLink.getAttribute('hreflang'));
    langLink.href = u.pathname + '?' + u.searchParams.toString();
  }

  /* ---- detail panel ---- */
  function eventDate(id) { return id.slice(0, 10); }

  var opener = null;  // where focus goes back when the panel closes (the link or list item that opened it)

  function select(id, opts) {
    opts = opts || {};
    if (opts.opener) opener = opts.opener;
    return fetch(page.panel_url.replace('{id}', encodeURIComponent(id)))
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.text(); })
      .then(function (html) {
        detailBody.innerHTML = html;  // server-rendered, escaped fragment from this app
        detail.hidden = false;
        if (!opts.fromHistory) setParam('event', id, true);
        window.CCT.showThread(chart, id);
        if (chartView.shown()) window.CCT.focusDate(chart, eventDate(id));
        markListItem(id);
        steps.update();
        var h = document.getElementById('detail-title');
        if (h && !opts.noFocus) h.focus();
      })
      .catch(function () { window.location.href = page.event_url.replace('{id}', encodeURIComponent(id)); });
  }

  /* The panel is a grid column on wide screens: the chart's width changes with it. */
  function closeDetail(fromHistory) {
    var hadFocus = detail.contains(document.activeElement);
    detail.hidden = true;
    detailBody.textContent = '';
    markListItem(null);
    window.CCT.clearFocus(chart);
    window.CCT.showThread(chart, null);
    if (!fromHistory) setParam('event', null, true);
    if (hadFocus || !fromHistory) {
      var back = opener && document.contains(opener) ? opener : null;
      if (!back) {  // the list item of the event, if the list still shows it
        var last = currentUrl().searchParams.get('event');
        back = last ? document.querySelector('#event-list a.event-link[data-id="' + CSS.escape(last) + '"]') : null;
      }
      if (back) back.focus();
    }
    opener = null;
  }

  function markListItem(id) {
    var items = document.querySelectorAll('#event-list li.event');
    for (var i = 0; i < items.length; i++) {
      items[i].classList.toggle('selected', items[i].getAttribute('data-id') === id);
    }
  }

  var steps = window.CCT.stepper(detail, function (id) { select(id); });
  document.getElementById('detail-close').addEventListener('click', function () { closeDetail(false); });
  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape' && !detail.hidden && !document.querySelector('dialog[open]')) closeDetail(false);
  });
  document.addEventListener('click', function (ev) {
    var a = ev.target.closest && ev.target.closest('a.event-link');
    if (!a || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey || ev.button !== 0) return;
    ev.preventDefault();
    // a link inside the panel keeps the first opener: Esc goes back to where the reader started
    select(a.getAttribute('data-id'), { opener: detail.contains(a) ? null : a });
  });

  /* ---- chart ---- */
  var handlers = {
    select: function (id) { select(id); },
    relayout: function (ev) {
      if (!ev) return;
      // the as_of line was dragged: that day becomes the view's as_of
      var moved = Object.keys(ev).filter(function (k) { return /^shapes\[\d+\]\.x0$/.test(k); })[0];
      if (moved) {
        var field = document.getElementById('as_of');
        field.value = String(ev[moved]).slice(0, 10);
        apply();
        return;
      }
      if (ev['xaxis.autorange'] || ev['xaxis.range'] === undefined && ev['xaxis.range[0]'] === undefined) {
        if (ev['xaxis.autorange']) { setParam('x0', null); setParam('x1', null); }
        return;
      }
      var r = ev['xaxis.range'] || [ev['xaxis.range[0]'], ev['xaxis.range[1]']];
      var u = currentUrl();
      u.searchParams.set('x0', String(r[0]).slice(0, 10));
      u.searchParams.set('x1', String(r[1]).slice(0, 10));
      history.replaceState({}, '', u.pathname + '?' + u.searchParams.toString());
      syncLangLink();
      document.getElementById('reset-view').hidden = false;
    }
  };

  function drawChart() {
    if (!chartView.shown()) return Promise.resolve(null);
    return window.CCT.draw(chart, figure, handlers).then(function (gd) {
      var sel = currentUrl().searchParams.get('event');
      if (gd && sel && !detail.hidden) window.CCT.focusDate(chart, eventDate(sel));
      return gd;
    });
  }

  var toggle = document.getElementById('connectors-toggle');
  toggle.addEventListener('change', function () {
    setParam('connectors', toggle.checked ? 'true' : null, false);
    var idx = [];
    (chart.data || []).forEach(function (tr, i) { if (tr.meta && tr.meta.connectors) idx.push(i); });
    if (idx.length && window.Plotly) Plotly.restyle(chart, { visible: toggle.checked ? true : 'legendonly' }, idx);
  });

  var reset = document.getElementById('reset-view');
  reset.hidden = !(currentUrl().searchParams.get('x0'));
  reset.addEventListener('click', function () {
    var full = figure.layout.xaxis.rangeslider.range;
    Plotly.relayout(chart, { 'xaxis.range': full.slice(), shapes: window.CCT.keptShapes(chart) }).then(function () {
      setParam('x0', null); setParam('x1', null);
      reset.hidden = true;
    });
  });

  var chartView = window.CCT.chartToggle(drawChart);  // list first on a phone

  /* ---- filters and URL state ---- */
  function formQuery() {
    var fd = new FormData(form);
    var params = new URLSearchParams();
    fd.forEach(function (value, key) { if (String(value).trim() !== '') params.append(key, value); });
    if (params.get('sort') === 'date') params.delete('sort');
    if (toggle.checked) params.set('connectors', 'true');
    return params;
  }

  function swapFrom(doc, opts) {
    var ids = ['event-list', 'count', 'zoom-empty', 'state-of-play'];
    ids.forEach(function (id) {
      var fresh = doc.getElementById(id);
      var old = document.getElementById(id);
      if (fresh && old) { old.innerHTML = fresh.innerHTML; old.hidden = fresh.hidden; }
    });
    // the server's inline errors (an invalid date, from after to, an unknown key): shown, never skipped
    var oldErrors = document.getElementById('view-errors');
    var freshErrors = doc.getElementById('view-errors');
    if (oldErrors) oldErrors.remove();
    var results = document.getElementById('results');
    if (freshErrors) results.insertBefore(document.importNode(freshErrors, true), results.firstChild);
    var legend = doc.querySelector('.chart-legend');
    if (legend) document.querySelector('.chart-legend').innerHTML = legend.innerHTML;
    var dl = doc.querySelector('.downloads');
    if (dl) document.querySelector('.downloads').innerHTML = dl.innerHTML;
    var chartFresh = doc.getElementById('chart');
    chart.setAttribute('data-event-count', chartFresh.getAttribute('data-event-count'));
    chart.setAttribute('aria-label', chartFresh.getAttribute('aria-label'));
    var freshForm = doc.getElementById('filters');
    if (freshForm) {
      if (opts.replaceForm) {
        form.innerHTML = freshForm.innerHTML;
      } else {
        var active = document.activeElement;
        var key = active && active.name ? [active.name, active.value] : null;
        var oldSets = form.querySelectorAll('fieldset');
        var newSets = freshForm.querySelectorAll('fieldset');
        for (var i = 0; i < oldSets.length && i < newSets.length; i++) oldSets[i].innerHTML = newSets[i].innerHTML;
        if (key) {
          var again = form.querySelector('input[name="' + key[0] + '"][value="' + CSS.escape(key[1]) + '"]');
          if (again && again !== active && active.type === 'checkbox') again.focus();
        }
      }
    }
    var data = JSON.parse(doc.getElementById('page-data').textContent);
    figure = data.figure;
    return drawChart();
  }

  function load(url, opts) {
    opts = opts || {};
    if (loading) loading.abort();
    loading = new AbortController();
    document.getElementById('results').setAttribute('aria-busy', 'true');
    return fetch(url, { signal: loading.signal, headers: { Accept: 'text/html' } })
      .then(function (r) { return r.text().then(function (t) { return { ok: r.ok, status: r.status, text: t }; }); })
      .then(function (res) {
        var doc = new DOMParser().parseFromString(res.text, 'text/html');
        if (!res.ok && res.status !== 400) { window.location.href = url; return; }
        var invalid = res.status === 400;  // the page with its inline errors: the form as the server shows it
        return swapFrom(doc, { replaceForm: opts.replaceForm || invalid }).then(function () {
          syncLangLink();
          if (invalid) {
            var field = form.querySelector('[aria-invalid="true"]');
            if (field) field.focus();
          }
          var sel = new URL(url, location.href).searchParams.get('event');
          if (sel) select(sel, { fromHistory: true, noFocus: true }); else if (!detail.hidden) closeDetail(true);
        });
      })
      .catch(function (e) { if (e.name !== 'AbortError') window.location.href = url; })
      .finally(function () { document.getElementById('results').removeAttribute('aria-busy'); });
  }

  function apply() {
    var params = formQuery();
    var now = currentUrl().searchParams;
    // a filter change keeps the rest of the state: the open event and the zoom
    ['event', 'x0', 'x1'].forEach(function (name) { if (now.get(name)) params.set(name, now.get(name)); });
    var url = page.explorer_url + '?' + params.toString();
    history.pushState({}, '', url);
    return load(url);
  }

  window.CCT.watchFilters(form, apply);
  window.addEventListener('popstate', function () { syncLangLink(); load(location.href, { replaceForm: true }); });

  /* ---- embed dialog: the current view, without the selected event ---- */
  window.CCT.embedDialog(page.strings, function (chosen) {
    var params = currentUrl().searchParams;
    params.delete('event');
    params.set('lang', chosen || lang);
    return { src: new URL(page.embed_url, location.href).href + '?' + params.toString(),
             script: new URL(page.embed_script, location.href).href, height: page.embed_height };
  });

  if (page.selected) window.CCT.showThread(chart, page.selected);  // drawn with the chart
  drawChart().then(function () {
    if (page.selected && chartView.shown()) window.CCT.focusDate(chart, eventDate(page.selected));
  });
  if (page.selected) markListItem(page.selected);
  syncLangLink();

  window.CCT.keepFragmentInView();  // a link into the list lands on its event
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', drawChart);
})();
