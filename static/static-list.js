/* The static site's list, legend, counts and "state of play": the server-rendered list of every
   event, shown or hidden by the query's answer (the same markup as the live pages).
   window.CCTStaticList(page, st, form) -> {renderLegend, renderList, renderStateOfPlay,
   renderFacets, countText}. */
(function () {
  'use strict';
  window.CCTStaticList = function (page, st, form) {
    var lang = page.lang, fullFigure = page.figure;
    var listBox = document.getElementById('event-list');
    var sections = [];  // [{el, ol, items: [li...]}], in date order as rendered
    var byId = {};
    Array.prototype.forEach.call(listBox.querySelectorAll('section.year'), function (sec) {
      var ol = sec.querySelector('ol');
      var items = Array.prototype.slice.call(sec.querySelectorAll('li.event'));
      items.forEach(function (li) { byId[li.getAttribute('data-id')] = li; });
      sections.push({ el: sec, ol: ol, items: items });
    });

    /* The HTML legend beside the chart lists the categories drawn (in figure order; a
       data-category attribute, when the template has one, wins). */
    function renderLegend(fig) {
      var drawn = {};
      fig.data.forEach(function (tr) { if (tr.meta && tr.meta.category) drawn[tr.meta.category] = true; });
      var order = fullFigure.data.filter(function (tr) { return tr.meta && tr.meta.category; })
        .map(function (tr) { return tr.meta.category; });
      var items = document.querySelectorAll('.chart-legend li');
      for (var i = 0; i < items.length; i++) {
        var key = items[i].getAttribute('data-category') || (i < order.length ? order[i] : null);
        if (key) items[i].hidden = !drawn[key];
      }
    }

    function countText(n) { return n === 1 ? st.count_one : st.count_many.replace('{n}', n); }

    function renderList(keep, s) {
      sections.forEach(function (sec) { if (sec.el.parentNode) sec.el.parentNode.removeChild(sec.el); });
      var old = listBox.querySelector('p.empty');
      if (old) old.parentNode.removeChild(old);
      var order = s.sort === '-date' ? sections.slice().reverse() : sections;
      var shown = 0;
      order.forEach(function (sec) {
        var items = sec.items.filter(function (li) { return keep[li.getAttribute('data-id')]; });
        if (!items.length) return;
        if (s.sort === '-date') items.reverse();
        sec.ol.replaceChildren.apply(sec.ol, items);
        listBox.appendChild(sec.el);
        shown += items.length;
      });
      if (!shown) {
        var p = document.createElement('p');
        p.className = 'empty';
        p.textContent = st.no_events;
        listBox.appendChild(p);
      }
    }

    /* The "state of play" panel: the measures in force, by side and category (as the server's). */
    function renderStateOfPlay(list, day, states) {
      var box = document.getElementById('state-of-play');
      if (!box) return;
      box.replaceChildren();
      box.hidden = !list;
      if (!list) return;
      var L = st.labels || { side: {}, category: {} };
      var h = document.createElement('h2');
      h.id = 'sop-h';
      // as app/i18n.py state_of_play_heading: the states named when others than in-force are asked for
      var names = (states || []).filter(function (s) { return s !== 'in-force'; }).length
        ? states.map(function (s) { return (st.state_names || {})[s] || s; }) : null;
      var joined = names ? names.join(st.state_or || ' or ') : '';
      h.textContent = names
        ? (st.strings.state_of_play_states || '{day}: {n}').replace('{day}', day).replace('{n}', list.length).replace('{states}', joined)
        : (st.strings.state_of_play || '{day}: {n}').replace('{day}', day).replace('{n}', list.length);
      box.appendChild(h);
      Object.keys(L.side).forEach(function (side) {
        var mine = list.filter(function (e) { return e.side === side; });
        if (!mine.length) return;
        var h3 = document.createElement('h3');
        h3.textContent = L.side[side] + ' (' + mine.length + ')';
        var dl = document.createElement('dl');
        Object.keys(L.category).forEach(function (cat) {
          var items = mine.filter(function (e) { return e.category === cat; });
          if (!items.length) return;
          var dt = document.createElement('dt'), dd = document.createElement('dd'), ul = document.createElement('ul');
          dt.textContent = L.category[cat];
          items.forEach(function (e) {
            var li = document.createElement('li'), a = document.createElement('a');
            a.className = 'event-link'; a.setAttribute('data-id', e.id); a.textContent = e.title[lang];
            a.href = new URL(page.event_url.replace('{id}', encodeURIComponent(e.id)), location.href).href;
            li.appendChild(a); ul.appendChild(li);
          });
          dd.appendChild(ul); dl.appendChild(dt); dl.appendChild(dd);
        });
        box.appendChild(h3); box.appendChild(dl);
      });
    }

    function renderFacets(counts) {
      Array.prototype.forEach.call(form.querySelectorAll('.count[data-facet][data-value]'), function (el) {
        var n = counts[el.getAttribute('data-facet')][el.getAttribute('data-value')] || 0;
        el.textContent = String(n);
        var box = el.parentNode.querySelector('input');
        var li = el.closest('li');
        if (li) li.hidden = !n && !(box && box.checked);  // the server lists only values with events
      });
    }

    return { renderLegend: renderLegend, renderList: renderList, renderStateOfPlay: renderStateOfPlay,
             renderFacets: renderFacets, countText: countText };
  };
})();
