/* Inside /embed: draw the chart, show an event's details in the frame, report the height. */
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('page-data').textContent);
  var chart = document.getElementById('chart');
  var detail = document.getElementById('detail');
  var body = document.getElementById('detail-body');
  var explorerLink = document.getElementById('detail-explorer');

  function withEvent(url, id) {
    var u = new URL(url);
    if (id) u.searchParams.set('event', id); else u.searchParams.delete('event');
    return u.toString();
  }

  function select(id, noFocus) {
    fetch(page.panel_url.replace('{id}', encodeURIComponent(id)))
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        body.innerHTML = html;  // server-rendered, escaped fragment from this app
        explorerLink.href = withEvent(page.explorer, id);
        detail.hidden = false;
        var links = body.querySelectorAll('a');
        for (var i = 0; i < links.length; i++) {
          if (links[i].classList.contains('event-link')) {
            links[i].href = withEvent(page.explorer, links[i].getAttribute('data-id'));
          }
          links[i].target = '_blank';
          links[i].rel = 'noopener';
        }
        var h = document.getElementById('detail-title');
        if (h && !noFocus) h.focus();
        report();
      })
      .catch(function () { /* keep the frame usable */ });
  }

  document.getElementById('detail-close').addEventListener('click', function () {
    detail.hidden = true;
    body.textContent = '';
    report();
  });

  document.addEventListener('click', function (ev) {
    var a = ev.target.closest && ev.target.closest('#event-list a.event-link');
    if (!a || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button !== 0) return;
    ev.preventDefault();
    select(a.getAttribute('data-id'));
  });

  var last = 0;
  function report() {
    var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (h === last || window.parent === window) return;
    last = h;
    window.parent.postMessage({ type: 'cct:resize', height: h }, '*');
  }
  if (window.ResizeObserver) new ResizeObserver(report).observe(document.body);
  window.addEventListener('load', report);
  document.getElementById('event-list').addEventListener('toggle', report);

  // The static export's embed may narrow the figure to its URL's filters first (static-explorer.js).
  Promise.resolve(window.CCT.embedFigure || page.figure).then(function (figure) {
    page.figure = figure;
    return window.CCT.draw(chart, figure, { select: select });
  }).then(function () {
    if (page.selected) { select(page.selected, true); window.CCT.focusDate(chart, page.selected.slice(0, 10)); }
    report();
  });
  if (window.matchMedia) {
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', function () {
      window.CCT.draw(chart, page.figure, { select: select });
    });
  }
})();
