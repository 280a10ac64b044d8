/* The explorer of the STATIC export (`timeline export`): no server behind it, so filtering runs
   here, from events.json, with the semantics of app/query.py and app/params.py: OR within a
   filter, AND across filters; side = the taxonomy side of the event's first actor; from/to
   take YYYY, YYYY-MM or YYYY-MM-DD, inclusive; q = every word, case-insensitive after NFKC,
   over id, titles, summaries, contexts (both languages) and entities; entity = whole-word;
   significance = minimum; sort date / -date. Facet counts use every filter but their own.
   The URL query uses the names of /events; history is kept with pushState/popstate.
   The page-data JSON carries a "static" block written by app/export.py.
   On the exported embed pages this file makes page-data's explorer URL absolute, fixes relative
   links in loaded detail fragments and, when the page's URL carries filters (the embed codes the
   explorer gives out do), narrows the list, counts and chart to them: embed-frame.js (which does
   the rest) draws the figure promised in window.CCT.embedFigure. */
(function () {
  'use strict';
  var dataEl = document.getElementById('page-data');
  var page = JSON.parse(dataEl.textContent);
  var st = page['static'] || {};
  var form = document.getElementById('filters');

  /* Links in a detail fragment are relative to the fragment's file: resolve them. */
  function fixLinks(container, fragmentUrl) {
    var links = container.querySelectorAll('a[href]');
    for (var i = 0; i < links.length; i++) {
      var h = links[i].getAttribute('href');
      if (h && !/^([a-z][a-z0-9+.-]*:|\/\/|#)/i.test(h)) links[i].setAttribute('href', new URL(h, fragmentUrl).href);
    }
  }

  function panelUrl(id) { return new URL(page.panel_url.replace('{id}', encodeURIComponent(id)), location.href).href; }

  var index = null;  // the export's query index (app/staticindex.py), read by static/query.js
  function getJson(url) {
    return fetch(url).then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); });
  }
  function loadData() {
    return Promise.all([getJson(st.events_url), getJson(st.index_url)]).then(function (both) {
      events = prepare(both[0].events);
      index = both[1];
    });
  }

  var isEmbed = st.mode === 'embed' || !form;
  if (isEmbed) {
    try { page.explorer = new URL(page.explorer, location.href).href; } catch (e) { /* keep */ }
    var embedBody = document.getElementById('detail-body');
    if (embedBody && window.MutationObserver) {
      new MutationObserver(function () {
        var art = embedBody.querySelector('article[data-id]');
        if (art) fixLinks(embedBody, panelUrl(art.getAttribute('data-id')));
      }).observe(embedBody, { childList: true });
    }
  }

  var lang = page.lang;
  var asked = new URLSearchParams(location.search);
  var pages = isEmbed ? st.embed : st.explorer;
  if (asked.get('lang') && asked.get('lang') !== lang && pages && pages[asked.get('lang')]) {
    // a link written for the live site (/?lang=zh&..., /embed?lang=zh&...): the language is a folder here
    var target = pages[asked.get('lang')];
    asked.delete('lang');
    location.replace(new URL(target + (asked.toString() ? '?' + asked : '') + location.hash, location.href).href);
    return;
  }
  var chart = document.getElementById('chart');
  var detail = document.getElementById('detail');
  window.CCT.clearHeader(detail);
  var detailBody = document.getElementById('detail-body');
  var results = document.getElementById('results');
  var toggle = document.getElementById('connectors-toggle');
  var fullFigure = page.figure;
  var figure = fullFigure;
  function filters() { return index ? index.filters : []; }  // app/filters.py, via the query index
  var events = null;  // from events.json, with derived fields
  var state = null;
  var serial = 0;

  /* ---- the query semantics: static/query.js (window.CCTQuery), fed by the export's index ---- */
  function partialDate(value, end) {  // for the zoom range only; null if invalid
    try { return window.CCTQuery.partialDate(String(value || ''), end); } catch (e) { return null; }
  }

  function prepare(list) { return list; }

  function truthy(v) { return ['false', '0', 'no', 'off', 'f', 'n'].indexOf(String(v).trim().toLowerCase()) < 0; }

  function parseState(search) {
    var p = new URLSearchParams(search);
    function one(name) {  // given twice it is not applied (named in the errors, as the server does)
      var all = p.getAll(name);
      return all.length === 1 && all[0].trim() ? all[0].trim() : '';
    }
    function many(name) {
      var out = [];
      p.getAll(name).forEach(function (v) { v = v.trim(); if (v && out.indexOf(v) < 0) out.push(v); });
      return out;
    }
    var s = {
      q: (p.get('q') || '').split(/\s+/).filter(Boolean).join(' '), from: one('from'), to: one('to'),
      significance: one('significance'),
      sort: one('sort') === '-date' ? '-date' : 'date', entity: many('entity'), event: one('event'),
      x0: one('x0'), x1: one('x1'), connectors: p.get('connectors') !== null && truthy(p.get('connectors')),
      as_of: one('as_of'), updated_since: one('updated_since'), state: many('state')
    };
    filters().forEach(function (f) { s[f] = many(f); });
    return s;
  }

  /* ---- the chart (static/static-figure.js) and the list (static/static-list.js) ---- */
  function buildFigure(kept, s, muted, asOf) {
    return window.CCTStaticFigure.build(fullFigure, kept, s, { muted: muted, asOf: asOf, sideLabels: (st.labels || {}).side });
  }
  var view = window.CCTStaticList(page, st, form);
  var renderLegend = view.renderLegend, renderList = view.renderList, renderStateOfPlay = view.renderStateOfPlay;
  var renderFacets = view.renderFacets, countText = view.countText;

  /* ---- form <-> state <-> URL ---- */
  function stateToForm(s) {
    form.elements.q.value = s.q;
    form.elements.from.value = s.from;
    form.elements.to.value = s.to;
    if (form.elements.as_of) form.elements.as_of.value = s.as_of;
    form.elements.significance.value = s.significance;
    form.elements.sort.value = s.sort;
    Array.prototype.forEach.call(form.querySelectorAll('input[type=checkbox]'), function (box) {
      if (filters().indexOf(box.name) >= 0) box.checked = s[box.name].indexOf(box.value) >= 0;
    });
    toggle.checked = s.connectors;
  }

  function formToState() {
    var s = parseState('');
    s.q = form.elements.q.value.split(/\s+/).filter(Boolean).join(' ');
    s.from = form.elements.from.value.trim();
    s.to = form.elements.to.value.trim();
    s.as_of = form.elements.as_of ? form.elements.as_of.value.trim() : '';
    s.state = state ? state.state.slice() : [];
    s.updated_since = state ? state.updated_since : '';
    s.significance = form.elements.significance.value;
    s.sort = form.elements.sort.value === '-date' ? '-date' : 'date';
    Array.prototype.forEach.call(form.querySelectorAll('input[type=checkbox]:checked'), function (box) {
      if (filters().indexOf(box.name) >= 0 && s[box.name].indexOf(box.value) < 0) s[box.name].push(box.value);
    });
    // values from the URL without a checkbox here (and entity=, which has no control) stay
    filters().concat(['entity']).forEach(function (f) {
      (state ? state[f] : []).forEach(function (v) {
        if (f === 'entity' || !form.querySelector('input[type=checkbox][name="' + f + '"][value="' + CSS.escape(v) + '"]')) {
          if (s[f].indexOf(v) < 0) s[f].push(v);
        }
      });
    });
    s.connectors = toggle.checked;
    s.event = state ? state.event : '';
    return s;
  }

  function filterQuery(s) {  // the order a form submission would use
    var p = new URLSearchParams();
    if (s.q) p.append('q', s.q);
    if (s.from) p.append('from', s.from);
    if (s.to) p.append('to', s.to);
    if (s.significance) p.append('significance', s.significance);
    if (s.as_of) p.append('as_of', s.as_of);
    s.state.forEach(function (v) { p.append('state', v); });
    if (s.updated_since) p.append('updated_since', s.updated_since);
    if (s.sort === '-date') p.append('sort', '-date');
    filters().forEach(function (f) { s[f].forEach(function (v) { p.append(f, v); }); });
    s.entity.forEach(function (v) { p.append('entity', v); });
    return p;
  }

  function fullQuery(s) {
    var p = filterQuery(s);
    if (s.x0 && s.x1) { p.set('x0', s.x0); p.set('x1', s.x1); }
    if (s.connectors) p.set('connectors', 'true');
    if (s.event) p.set('event', s.event);
    return p;
  }

  function writeUrl(push) {
    var q = fullQuery(state).toString();
    history[push ? 'pushState' : 'replaceState']({}, '', location.pathname + (q ? '?' + q : ''));
  }

  function updateLangSwitch() {
    var other = lang === 'zh' ? 'en' : 'zh';
    var a = document.querySelector('a.lang-switch');
    var q = filterQuery(state);
    if (state.connectors) q.set('connectors', 'true');
    if (a && st.explorer) a.setAttribute('href', st.explorer[other] + (q.toString() ? '?' + q : ''));
  }

  /* ---- the exported embed: the URL's filters, applied before embed-frame.js draws ---- */
  /* The embed's own parameters (app/pages.py EmbedParams), as the server applies them: title,
     note, theme, height (the chart gets what the header, legend, list line and credit leave)
     and list=false (the list's line goes to the chart). A value the server refuses is not
     applied: it is returned, and reported with the other errors once the index is loaded. */
  function embedPresentation() {
    var p = new URLSearchParams(location.search), errors = {};
    function one(name) { var v = p.getAll(name).slice(-1)[0]; return v !== undefined && v.trim() ? v.trim() : null; }
    var title = one('title'), note = one('note'), theme = one('theme'), height = one('height'), list = one('list');
    if (title && Array.from(title).length > 120) { errors.title = 'too long'; title = null; }
    if (note && Array.from(note).length > 200) { errors.note = 'too long'; note = null; }
    if (theme && !/^(auto|light|dark)$/.test(theme)) { errors.theme = "'auto', 'light' or 'dark'"; theme = null; }
    if (list && window.CCTQuery.bool(list) === undefined) { errors.list = 'not a boolean'; list = null; }
    if (height && !(/^\d+$/.test(height) && +height >= 150 && +height <= 2000)) { errors.height = 'from 150 to 2000'; height = null; }
    if (title) { document.querySelector('.embed-header h1').textContent = title; document.title = title; }
    var noteEl = document.querySelector('.embed-note');
    if (note && noteEl) { noteEl.textContent = note; noteEl.hidden = false; }
    if (theme && /^(auto|light|dark)$/.test(theme)) {
      var cls = document.documentElement.classList;
      cls.remove('theme-auto', 'theme-light', 'theme-dark');
      cls.add('theme-' + theme);
      page.theme = theme;
    }
    var showList = !(list && window.CCTQuery.bool(list) === false);
    document.getElementById('event-list').hidden = !showList;
    if (height) page.height = +height;
    var chartHeight = Math.max(page.height - page.chrome + (showList ? 0 : page.list_line), 120);
    page.figure.layout.height = chartHeight;
    fullFigure = page.figure;
    chart.style.height = chartHeight + 'px';
    return errors;
  }

  function startEmbed() {
    var refused = embedPresentation();
    if (location.search.length > 1) {  // any parameter: answered (and checked) from the index
      window.CCT.embedFigure = loadData()
        .then(function () {
          var s = parseState(location.search);  // the filters' names come with the index
          var filters = filterQuery(s).toString();
          page.explorer = page.explorer.split('?')[0] + (filters ? '?' + filters : '');  // "open in explorer" keeps them
          window.CCT.embedExplorer = page.explorer;  // read by embed-frame.js (the detail's link)
          var more = document.getElementById('explorer-link');
          if (more) more.href = page.explorer;
          var a = answer(location.search, index.embed_params);
          showErrors(Object.assign({}, a.parsed.errors, refused));
          var byEventId = {};
          events.forEach(function (e) { byEventId[e.id] = e; });
          var kept = a.ids.map(function (id) { return byEventId[id]; });
          var keep = {};
          kept.forEach(function (e) { keep[e.id] = true; });
          renderList(keep, s);
          var text = countText(kept.length);
          var heading = document.querySelector('.count-heading');
          if (heading) heading.textContent = text;
          var summary = document.querySelector('#event-list > summary');
          if (summary) summary.textContent = summary.textContent.replace(/\(\d+\)\s*$/, '(' + kept.length + ')');
          chart.setAttribute('data-event-count', String(kept.length));
          chart.setAttribute('aria-label', st.timeline + ': ' + text);
          // with as_of the chart keeps the view's other events, greyed, as the server's embed does
          var asOf = a.parsed.query.as_of, drawn = kept, muted = {};
          if (asOf) {
            drawn = window.CCTQuery.match(index, Object.assign({}, a.parsed.query, { as_of: null, state: [] }))
              .map(function (i) { return byEventId[index.ids[i]]; });
            drawn.forEach(function (e) { if (!keep[e.id]) muted[e.id] = true; });
          }
          var fig = buildFigure(drawn, s, muted, asOf);
          renderLegend(fig);
          // event=: the detail opens, as on the live embed (an unknown id is named in the errors)
          window.CCT.embedSelected = s.event && index.ids.indexOf(s.event) >= 0 ? s.event : null;
          return fig;
        })
        .catch(function (err) {  // e.g. opened from file://: every event, as exported
          if (window.console) console.warn('static embed: filtering unavailable (' + err + ')');
          return page.figure;
        });
    }
    dataEl.textContent = JSON.stringify(page);  // read by embed-frame.js, which runs next
  }

  if (isEmbed) {
    startEmbed();
    return;  // the rest wires the explorer page
  }

  /* ---- render a state ---- */
  /* The server's inline errors, for a URL the static site cannot apply in full. */
  function showErrors(errors) {
    var S = st.strings || {};
    var old = document.getElementById('view-errors');
    if (old) old.remove();
    Array.prototype.forEach.call(document.querySelectorAll('.field-error'), function (el) { el.remove(); });
    Array.prototype.forEach.call(document.querySelectorAll('[aria-invalid]'), function (el) {
      el.removeAttribute('aria-invalid'); el.removeAttribute('aria-describedby');
    });
    var names = Object.keys(errors);
    if (!names.length) return;
    var raw = new URLSearchParams(location.search);
    function message(name) {
      var why = errors[name], value = raw.getAll(name).slice(-1)[0] || '';
      if (why === 'unknown') return (S.unknown_param || '{name}').replace('{name}', name).replace('{known}', index.known_params.join(', '));
      if (why === 'repeated') return (S.repeated_param || why).replace('{name}', name);
      if (why === 'no-such-event') return (S.no_such_event || why).replace('{id}', value);
      if (why === 'zoom-needs-both') return S.zoom_needs_both || why;
      if (why === 'zoom-reversed') return (S.zoom_reversed || why).replace('{start}', raw.get('x0')).replace('{end}', raw.get('x1'));
      var vocab = index.vocab[name];
      if (vocab && /^unknown /.test(why)) {
        var bad = raw.getAll(name).filter(function (v) { return vocab.indexOf(v) < 0; })[0] || value;
        return (S.unknown_value || why).replace('{name}', name).replace('{value}', bad).replace('{known}', vocab.slice().sort().join(', '));
      }
      if (why === 'state needs as_of') return S.state_needs_as_of || why;
      if (why === 'after the review date') return (S.as_of_after_review || why).replace('{as_of}', value).replace('{reviewed}', index.reviewed_through);
      if (name === 'significance') return S.bad_significance || why;
      if (name === 'lang') return (S.bad_lang || why).replace('{value}', value);
      if (name === 'q' && why === 'too long') return S.q_too_long || why;
      if (why === 'from-after-to') return (S.from_after_to || why).replace('{start}', raw.get('from')).replace('{end}', raw.get('to'));
      if (name === 'as_of' && why !== 'after the review date') return (S.invalid_day || why).replace('{value}', value);
      if (['from', 'to', 'updated_since', 'x0', 'x1'].indexOf(name) >= 0) return (S.invalid_date || why).replace('{value}', value);
      return (S.bad_value || why).replace('{value}', value).replace('{detail}', why);
    }
    var box = document.createElement('div');
    box.className = 'error'; box.id = 'view-errors'; box.setAttribute('role', 'alert');
    var h = document.createElement('h2'); h.textContent = S.error_title || ''; box.appendChild(h);
    var p1 = document.createElement('p'); p1.textContent = S.not_applied || ''; box.appendChild(p1);
    var ul = document.createElement('ul');
    names.forEach(function (name) {
      var li = document.createElement('li'), code = document.createElement('code');
      code.textContent = name; li.appendChild(code); li.appendChild(document.createTextNode(': ' + message(name)));
      ul.appendChild(li);
      var field = form && form.elements[name];
      if (field && field.tagName === 'INPUT') {
        var note = document.createElement('p');
        note.className = 'field-error'; note.id = name + '-error'; note.textContent = message(name);
        field.setAttribute('aria-invalid', 'true'); field.setAttribute('aria-describedby', note.id);
        field.insertAdjacentElement('afterend', note);
      }
    });
    box.appendChild(ul);
    var p2 = document.createElement('p'); p2.textContent = S.results_without || ''; box.appendChild(p2);
    var holder = document.getElementById('results') || document.getElementById('main');
    holder.insertBefore(box, holder.firstChild);
  }

  /* One query semantics (static/query.js on the export's index): matches, facets and errors
     as the server answers them. */
  function answer(search, extra) {
    var parsed = window.CCTQuery.parse(search, extra ? Object.assign({}, index, { known_params: extra }) : index);
    var ids = window.CCTQuery.match(index, parsed.query).map(function (i) { return index.ids[i]; });
    // an unknown event is named, as the server names it (app/pages.py _selected): the page stays
    if (parsed.query.event && index.ids.indexOf(parsed.query.event) < 0) parsed.errors.event = 'no-such-event';
    return { parsed: parsed, ids: ids };
  }

  function render() {
    var a = answer(location.search);
    showErrors(a.parsed.errors);
    var byEventId = {};
    events.forEach(function (e) { byEventId[e.id] = e; });
    var kept = a.ids.map(function (id) { return byEventId[id]; });
    var keep = {};
    kept.forEach(function (e) { keep[e.id] = true; });
    renderList(keep, state);
    renderFacets(window.CCTQuery.facets(index, a.parsed.query));
    var asOf = a.parsed.query.as_of, drawn = kept, muted = {};
    if (asOf) {  // the chart keeps the view's other events, greyed (as app/pages.py _view)
      drawn = window.CCTQuery.match(index, Object.assign({}, a.parsed.query, { as_of: null, state: [] }))
        .map(function (i) { return byEventId[index.ids[i]]; });
      drawn.forEach(function (e) { if (!keep[e.id]) muted[e.id] = true; });
    }
    renderStateOfPlay(asOf ? kept : null, asOf, a.parsed.query.state);
    var text = countText(kept.length);
    document.getElementById('count').textContent = text;
    chart.setAttribute('data-event-count', String(kept.length));
    chart.setAttribute('aria-label', st.timeline + ': ' + text);
    figure = buildFigure(drawn, state, muted, asOf);
    renderLegend(figure);
    updateLangSwitch();
    document.getElementById('reset-view').hidden = !(state.x0 && state.x1);
    var mine = ++serial;
    return drawChart().then(function () {
      if (mine === serial) document.documentElement.setAttribute('data-static-rendered', String(mine));
    });
  }

  /* ---- detail panel (as static/explorer.js) ---- */
  function eventDate(id) { return id.slice(0, 10); }

  function select(id, opts) {
    opts = opts || {};
    if (index && index.ids.indexOf(id) < 0) return Promise.resolve();  // named in the errors (answer)
    var url = panelUrl(id);
    return fetch(url)
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.text(); })
      .then(function (html) {
        detailBody.innerHTML = html;  // an escaped fragment exported from the app
        fixLinks(detailBody, url);
        detail.hidden = false;
        state.event = id;
        if (!opts.fromHistory) writeUrl(true);
        window.CCT.showThread(chart, id);
        if (chartView.shown()) window.CCT.focusDate(chart, eventDate(id));
        markListItem(id);
        steps.update();
        var h = document.getElementById('detail-title');
        if (h && !opts.noFocus) h.focus();
      })
      .catch(function () { window.location.href = new URL(page.event_url.replace('{id}', encodeURIComponent(id)), location.href).href; });
  }

  function closeDetail(fromHistory) {
    detail.hidden = true;
    detailBody.textContent = '';
    markListItem(null);
    window.CCT.clearFocus(chart);
    window.CCT.showThread(chart, null);
    state.event = '';
    if (!fromHistory) writeUrl(true);
  }

  function markListItem(id) {
    var items = document.querySelectorAll('#event-list li.event');
    for (var i = 0; i < items.length; i++) items[i].classList.toggle('selected', items[i].getAttribute('data-id') === id);
  }

  var steps = window.CCT.stepper(detail, function (id) { select(id); });
  document.getElementById('detail-close').addEventListener('click', function () { closeDetail(false); });
  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape' && !detail.hidden && !document.querySelector('dialog[open]')) closeDetail(false);
  });
  document.addEventListener('click', function (ev) {
    var a = ev.target.closest && ev.target.closest('a.event-link');
    if (!a || !events || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey || ev.button !== 0) return;
    ev.preventDefault();
    select(a.getAttribute('data-id'));
  });

  /* ---- chart ---- */
  var handlers = {
    select: function (id) { select(id); },
    relayout: function (ev) {
      if (!ev || !state) return;
      if (ev['xaxis.autorange'] || ev['xaxis.range'] === undefined && ev['xaxis.range[0]'] === undefined) {
        if (ev['xaxis.autorange']) { state.x0 = state.x1 = ''; writeUrl(false); }
        return;
      }
      var r = ev['xaxis.range'] || [ev['xaxis.range[0]'], ev['xaxis.range[1]']];
      state.x0 = String(r[0]).slice(0, 10);
      state.x1 = String(r[1]).slice(0, 10);
      writeUrl(false);
      document.getElementById('reset-view').hidden = false;
    }
  };

  function drawChart() {
    if (!chartView.shown()) return Promise.resolve(null);
    return window.CCT.draw(chart, figure, handlers).then(function (gd) {
      if (gd && state && state.event && !detail.hidden) window.CCT.focusDate(chart, eventDate(state.event));
      return gd;
    });
  }

  toggle.addEventListener('change', function () {
    state.connectors = toggle.checked;
    writeUrl(false);
    updateLangSwitch();
    var idx = [];
    (chart.data || []).forEach(function (tr, i) { if (tr.meta && tr.meta.connectors) idx.push(i); });
    figure.data.forEach(function (tr) { if (tr.meta && tr.meta.connectors) tr.visible = toggle.checked ? true : 'legendonly'; });
    if (idx.length && window.Plotly) Plotly.restyle(chart, { visible: toggle.checked ? true : 'legendonly' }, idx);
  });

  var reset = document.getElementById('reset-view');
  reset.addEventListener('click', function () {
    var full = figure.layout.xaxis.rangeslider.range;
    Plotly.relayout(chart, { 'xaxis.range': full.slice(), shapes: window.CCT.keptShapes(chart) }).then(function () {
      state.x0 = state.x1 = '';
      writeUrl(false);
      reset.hidden = true;
    });
  });

  var chartView = window.CCT.chartToggle(drawChart);  // list first on a phone

  /* ---- filters ---- */
  function apply() {
    if (!events) return;
    state = formToState();
    state.x0 = state.x1 = '';  // a new selection shows its whole span, as on the live site
    writeUrl(true);
    render();
  }

  window.CCT.watchFilters(form, apply);
  window.addEventListener('popstate', function () {
    if (!events) return;
    var before = state.event;
    state = parseState(location.search);
    stateToForm(state);
    render().then(function () {
      if (state.event && (state.event !== before || detail.hidden)) select(state.event, { fromHistory: true, noFocus: true });
      else if (!state.event && !detail.hidden) closeDetail(true);
    });
  });

  /* ---- embed dialog: the static embed of the current filters, in the page's language ---- */
  window.CCT.embedDialog(page.strings, function (chosen) {
    var view = state ? fullQuery(state) : new URLSearchParams();  // as the live dialog: the view, zoom included,
    view.delete('event');                                          // without the open event
    var filters = view.toString();
    return { src: new URL(page.embed_urls[chosen || lang], location.href).href + (filters ? '?' + filters : ''),
             script: new URL(page.embed_script, location.href).href, height: page.embed_height };
  });

  /* ---- start: load events.json and the query index, restore the URL's view ---- */
  results.setAttribute('aria-busy', 'true');
  loadData()
    .then(function () {
      state = parseState(location.search);
      stateToForm(state);
      return render().then(function () {
        if (state.event) select(state.event, { fromHistory: true, noFocus: true });
        window.CCT.keepFragmentInView();  // the list was redrawn: a link into it lands on its event
      });
    })
    .catch(function (err) {
      // No events.json (e.g. opened from file://): show the full, server-rendered view.
      if (window.console) console.warn('static explorer: filtering unavailable (' + err + ')');
      state = parseState('');
      return drawChart();
    })
    .finally(function () { results.removeAttribute('aria-busy'); });
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', drawChart);
})();
