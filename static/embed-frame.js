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
    window.CCT.showThread(chart, id);
    fetch(page.panel_url.replace('{id}', encodeURIComponent(id)))
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        body.innerHTML = html;  // server-rendered, escaped fragment from this app
        explorerLink.href = withEvent(window.CCT.embedExplorer || page.explorer, id);
        detail.hidden = false;
        var links = body.querySelectorAll('a');
        for (var i = 0; i < links.length; i++) {
          if (links[i].classList.contains('event-link')) {
            links[i].href = withEvent(window.CCT.embedExplorer || page.explorer, links[i].getAttribute('data-id'));
          }
          links[i].target = '_blank';
          links[i].rel = 'noopener';
        }
        steps.update();
        var h = document.getElementById('detail-title');
        if (h && !noFocus) h.focus();
        report();
      })
      .catch(function () { /* keep the frame usable */ });
  }

  var steps = window.CCT.stepper(detail, function (id) { select(id); });
  var opener = null;  // the element focus returns to when the details close
  function closeDetail() {
    if (detail.hidden) return;
    detail.hidden = true;
    window.CCT.showThread(chart, null);
    body.textContent = '';
    if (opener && document.contains(opener)) opener.focus();
    opener = null;
    report();
  }
  document.getElementById('detail-close').addEventListener('click', closeDetail);
  document.addEventListener('keydown', function (ev) { if (ev.key === 'Escape') closeDetail(); });

  document.addEventListener('click', function (ev) {
    var a = ev.target.closest && ev.target.closest('#event-list a.event-link');
    if (!a || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button !== 0) return;
    ev.preventDefault();
    opener = a;
    var list = document.getElementById('event-list');
    if (list.open) list.open = false;
    select(a.getAttribute('data-id'));
  });

  /* The embed fills its frame; the frame's height is the embed's `height` (page.height): that is
     what the loader (embed.js) is told, whatever opens inside the frame. */
  var last = 0;
  function report() {
    var h = page.height;
    if (!h || h === last || window.parent === window) return;
    last = h;
    window.parent.postMessage({ type: 'cct:resize', height: h }, '*');
  }
  if (window.ResizeObserver) new ResizeObserver(report).observe(document.body);
  window.addEventListener('load', report);
  document.getElementById('event-list').addEventListener('toggle', report);

  /* The chart takes the height the frame leaves it (the embed fills its frame exactly). */
  function fitted(figure) {
    var copy = Object.assign({}, figure, { layout: Object.assign({}, figure.layout) });
    var h = Math.floor(chart.getBoundingClientRect().height);
    if (h > 80) copy.layout.height = h;
    return copy;
  }
  function redraw() { return window.CCT.draw(chart, fitted(page.figure), { select: select }); }
  var resizeTimer = null;
  window.addEventListener('resize', function () { clearTimeout(resizeTimer); resizeTimer = setTimeout(redraw, 150); });

  // The static export's embed may narrow the figure to its URL's filters first (static-explorer.js).
  Promise.resolve(window.CCT.embedFigure || page.figure).then(function (figure) {
    page.figure = figure;
    return redraw();
  }).then(function () {
    var selected = page.selected || window.CCT.embedSelected;  // the static embed's event= (static-explorer.js)
    if (selected) { select(selected, true); window.CCT.focusDate(chart, selected.slice(0, 10)); }
    report();
  });
  if (window.matchMedia) {
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', redraw);
  }
})();
