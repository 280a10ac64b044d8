/* A story, enhanced from the server-rendered article into a step-through view: the chart zooms
   to each step's event and marks it, draws its thread of links, and the reader moves with the
   buttons or the arrow keys; the URL carries the step (?step=3). Without this script the page is
   the whole story as an article. */
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('page-data').textContent);
  var chart = document.getElementById('chart');
  var steps = Array.prototype.slice.call(document.querySelectorAll('.story-step'));
  var closing = document.getElementById('story-closing');
  var nav = document.querySelector('.story-nav');
  var prev = document.getElementById('step-prev');
  var next = document.getElementById('step-next');
  var status = document.getElementById('step-status');
  var figure = page.figure;
  var total = steps.length;
  var current = 0;
  var drawn = null;

  /* The static export has no server to answer a bad address with a 400: the page checks it as
     the server does (app/pages.py check_page_params), names what it did not apply, and goes to
     the other language's file for lang= (the language is in the file's name). */
  var check = page.check, addressProblems = false;
  if (check) {
    var asked = new URLSearchParams(location.search), problems = [];
    var want = asked.get('lang');
    if (want && want !== page.lang && check.pages[want]) {
      asked.delete('lang');
      location.replace(new URL(check.pages[want], location.href).href + (asked.toString() ? '?' + asked : '') + location.hash);
      return;
    }
    asked.forEach(function (v, k) {
      if (check.allowed.indexOf(k) < 0) problems.push([k, check.strings.unknown_param.replace('{name}', k)]);
    });
    check.allowed.forEach(function (k) {
      if (asked.getAll(k).length > 1) problems.push([k, check.strings.repeated_param.replace('{name}', k)]);
    });
    if (want && !check.pages[want]) problems.push(['lang', check.strings.bad_lang.replace('{value}', want)]);
    var s = asked.get('step');
    if (s !== null && !(/^\d+$/.test(s) && +s >= 1 && +s <= steps.length)) problems.push(['step', check.strings.bad_step]);
    if (problems.length) {
      var box = document.createElement('div'), h = document.createElement('h2'), ul = document.createElement('ul');
      box.className = 'error'; box.id = 'view-errors'; box.setAttribute('role', 'alert');
      h.textContent = check.strings.error_title; box.appendChild(h);
      problems.forEach(function (p) {
        var li = document.createElement('li'), code = document.createElement('code');
        code.textContent = p[0]; li.appendChild(code); li.appendChild(document.createTextNode(': ' + p[1]));
        ul.appendChild(li);
      });
      box.appendChild(ul);
      var main = document.getElementById('main');
      main.insertBefore(box, main.firstChild);
      addressProblems = true;  // the reader sees the message first, not a step it moved to
    }
  }

  document.documentElement.classList.add('stepping');
  nav.hidden = false;

  function stepFromUrl() {
    var n = parseInt(new URL(location.href).searchParams.get('step') || '1', 10);
    return n >= 1 && n <= total ? n : 1;
  }

  /* The connector trace keeps only the links this step asks for. */
  function connectors(fig, eventId, mode) {
    var copy = JSON.parse(JSON.stringify(fig));
    copy.data.forEach(function (tr) {
      if (!tr.meta || !tr.meta.connectors) return;
      if (mode === 'none') { tr.x = []; tr.y = []; tr.customdata = []; return; }
      if (mode === 'all') { tr.visible = true; return; }
      var x = [], y = [], ends = [];
      for (var i = 0; i + 1 < tr.x.length; i += 3) {
        if (tr.customdata[i] === eventId || tr.customdata[i + 1] === eventId) {
          x.push(tr.x[i], tr.x[i + 1], null); y.push(tr.y[i], tr.y[i + 1], null);
          ends.push(tr.customdata[i], tr.customdata[i + 1], null);
        }
      }
      tr.x = x; tr.y = y; tr.customdata = ends; tr.visible = true;
      tr.line = Object.assign({}, tr.line, { color: 'rgba(200,110,0,0.9)', width: 2, dash: 'solid' });
    });
    return copy;
  }

  function show(n, opts) {
    opts = opts || {};
    current = n;
    steps.forEach(function (li, i) { li.classList.toggle('current', i === n - 1); });
    closing.classList.toggle('current', n === total);
    prev.disabled = n === 1;
    next.disabled = n === total;
    status.textContent = page.strings.step_of.replace('{n}', n).replace('{total}', total);
    var li = steps[n - 1];
    if (opts.push) {
      var u = new URL(location.href);
      u.searchParams.set('step', String(n));
      history.pushState({ step: n }, '', u.pathname + '?' + u.searchParams.toString());
    }
    var fig = connectors(figure, li.getAttribute('data-event'), li.getAttribute('data-links'));
    var date = li.getAttribute('data-date');
    fig.layout = Object.assign({}, fig.layout, {
      xaxis: Object.assign({}, fig.layout.xaxis, { range: [li.getAttribute('data-x0'), li.getAttribute('data-x1')] }),
      shapes: [{ type: 'line', xref: 'x', yref: 'paper', x0: date, x1: date, y0: 0, y1: 1,
                 line: { color: 'rgba(200,110,0,0.85)', width: 2 } }]
    });
    if (page.embed) {
      var h = Math.floor(chart.getBoundingClientRect().height);
      if (h > 80) fig.layout.height = h;
    }
    drawn = window.CCT.draw(chart, fig, { select: function (id) {
      var i = steps.findIndex(function (s) { return s.getAttribute('data-event') === id; });
      if (i >= 0) show(i + 1, { push: true, focus: true });
    } });
    if (opts.focus) {
      var heading = li.querySelector('h2');
      if (heading) heading.focus();
    }
    return drawn;
  }

  prev.addEventListener('click', function () { if (current > 1) show(current - 1, { push: true, focus: true }); });
  next.addEventListener('click', function () { if (current < total) show(current + 1, { push: true, focus: true }); });
  document.addEventListener('keydown', function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey || /input|textarea|select/i.test(ev.target.tagName)) return;
    if (ev.key === 'ArrowRight' && current < total) { ev.preventDefault(); show(current + 1, { push: true, focus: true }); }
    if (ev.key === 'ArrowLeft' && current > 1) { ev.preventDefault(); show(current - 1, { push: true, focus: true }); }
  });
  window.addEventListener('popstate', function () { show(stepFromUrl(), { focus: true }); });

  show(stepFromUrl(), { focus: !addressProblems && new URL(location.href).searchParams.has('step') });

  /* The Embed dialog: the story's embed, opened at the current step. */
  if (!page.embed) {
    window.CCT.embedDialog(page.strings, function (chosen) {
      var src = new URL(page.embed_srcs[chosen || page.lang], location.href);
      src.searchParams.set('step', String(current));
      return { src: src.href, script: new URL(page.embed_script, location.href).href, height: page.embed_height };
    });
  }

  if (page.embed && window.parent !== window) {  // the loader (embed.js) sizes the frame to the embed's height
    window.parent.postMessage({ type: 'cct:resize', height: page.height }, '*');
  }
  if (window.matchMedia) {
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', function () { show(current); });
  }
})();
