/* The static site's query semantics: one small module, fed by the index the export writes
   from the snapshot (app/staticindex.py). It validates a URL's parameters as the server's
   pages do (app/pages.py parse_view with app/params.py), and answers matches and facet
   counts as app/query.py does. tests/test_static_query.py runs it under node on generated
   queries and compares results, facets and errors with Python. Browser: window.CCTQuery;
   node: module.exports. */
(function (root) {
  'use strict';

  // The vocabulary filters and the facets come from the index (app/filters.py, the one table);
  // the other list-valued parameters are the query model's own.
  function lists(index) { return index.filters.concat(['entity', 'state']); }
  var MAX_VALUES = 50, MAX_LEN = 200;
  // Python's str.split() / str.isspace() whitespace (JavaScript's \s differs on a few)
  var WS = /[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
  var BOOL_TRUE = ['1', 'on', 't', 'true', 'y', 'yes'], BOOL_FALSE = ['0', 'off', 'f', 'false', 'n', 'no'];
  /* A boolean parameter as the server reads it: true, false, or undefined (not a boolean). */
  function bool(value) {
    var v = String(value).toLowerCase();
    return BOOL_TRUE.indexOf(v) >= 0 ? true : BOOL_FALSE.indexOf(v) >= 0 ? false : undefined;
  }

  function chars(s) { return Array.from(s).length; }

  function pyStrip(s) { return s.replace(/^[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g, ''); }

  function pySplit(s) { return s.split(WS).filter(function (x) { return x !== ''; }); }

  /* app/store.py fold(): NFKC, then casefold (per character: the index's table holds the
     characters whose casefold differs from their lowercase). */
  function fold(text, index) {
    var table = index.fold, t2s = index.t2s || {}, drop = index.drop || '', out = '';
    var has = Object.prototype.hasOwnProperty;
    for (var ch of String(text).normalize('NFKC')) {
      var folded = has.call(table, ch) ? table[ch] : ch.toLowerCase();
      for (var c of folded) {  // then what search drops, and traditional characters made simplified
        if (drop.indexOf(c) >= 0) continue;
        out += has.call(t2s, c) ? t2s[c] : c;
      }
    }
    return out;
  }

  /* app/params.py parse_partial_date(); throws on a bad value. */
  function partialDate(value, end) {
    var m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(pyStrip(value));
    if (!m) throw new Error('use YYYY, YYYY-MM or YYYY-MM-DD');
    var y = +m[1];
    if (y < 1900 || y > 2200) throw new Error('year out of range');
    if (m[2] === undefined) return y + (end ? '-12-31' : '-01-01');
    var mo = +m[2];
    if (mo < 1 || mo > 12) throw new Error('month must be 01-12');
    var last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
    var d = m[3] === undefined ? (end ? last : 1) : +m[3];
    if (d < 1 || d > last) throw new Error('day is out of range for month');
    return m[1] + '-' + m[2] + '-' + (d < 10 ? '0' : '') + d;
  }

  /* A query string -> the raw values a page's model sees (app/pages.py parse_params_raw):
     repeated names give lists, blank values are "not set". */
  function raw(params, index) {
    var out = {}, LISTS = lists(index);
    LISTS.forEach(function (name) {
      var values = params.getAll(name).filter(function (v) { return pyStrip(v) !== ''; });
      if (values.length) out[name] = values;
    });
    params.forEach(function (v, k) {
      var last = params.getAll(k).slice(-1)[0];  // as the server's query parameters: the last one
      if (LISTS.indexOf(k) < 0 && !(k in out) && pyStrip(last) !== '') out[k] = last;
    });
    return out;
  }

  /* Field validation, as pydantic does it for the page's model: every bad field at once. */
  function fieldErrors(r, index) {
    var errs = {};
    ['from', 'to', 'updated_since'].forEach(function (name) {
      if (name in r) { try { partialDate(r[name], false); } catch (e) { errs[name] = e.message; } }
    });
    if ('as_of' in r) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(pyStrip(r.as_of))) errs.as_of = 'use a day, YYYY-MM-DD';
      else { try { partialDate(r.as_of, false); } catch (e) { errs.as_of = e.message; } }
    }
    lists(index).forEach(function (name) {
      if (!(name in r)) return;
      if (r[name].length > MAX_VALUES) errs[name] = 'too many values';
      else if (r[name].some(function (v) { return chars(v) > MAX_LEN; })) errs[name] = 'value too long';
    });
    if ('q' in r && chars(r.q) > MAX_LEN) errs.q = 'too long';
    if ('event' in r && chars(r.event) > MAX_LEN) errs.event = 'too long';
    if ('significance' in r) {
      var s = toInt(r.significance);
      if (s === null) errs.significance = 'not an integer';
      else if (s < 1 || s > 3) errs.significance = 'from 1 to 3';
    }
    if ('sort' in r && r.sort !== 'date' && r.sort !== '-date') errs.sort = "'date' or '-date'";
    if ('lang' in r && r.lang !== 'en' && r.lang !== 'zh') errs.lang = "'en' or 'zh'";
    if ('connectors' in r) {
      if (bool(r.connectors) === undefined) errs.connectors = 'not a boolean';
    }
    return errs;
  }

  /* An integer as pydantic reads one from a string: surrounding whitespace, a sign, digits with
     single underscores, and a fraction of zeros ("2.0") are accepted. */
  function toInt(value) {
    var s = pyStrip(value);
    if (!/^[+-]?\d+(_\d+)*(\.0+)?$/.test(s)) return null;
    return parseInt(s.replace(/_/g, '').replace(/\.0+$/, ''), 10);
  }

  function unique(list) { return list.filter(function (v, i) { return list.indexOf(v) === i; }); }

  /* The query from validated raw values, or {error: [name, message]} (app/params.py to_query). */
  function toQuery(r, index) {
    for (var i = 0; i < index.filters.length; i++) {
      var name = index.filters[i], known = index.vocab[name];
      var bad = (r[name] || []).filter(function (v) { return known.indexOf(v) < 0; })[0];
      if (bad !== undefined) return { error: [name, 'unknown ' + name + ' ' + JSON.stringify(bad)] };
    }
    var from = 'from' in r ? partialDate(r.from, false) : null;
    var to = 'to' in r ? partialDate(r.to, true) : null;
    if (from && to && from > to) return { error: ['from', 'from-after-to'] };
    var q = pySplit(r.q || '').join(' ') || null;
    var since = 'updated_since' in r ? partialDate(r.updated_since, false) : null;
    var asOf = 'as_of' in r ? partialDate(r.as_of, false) : null;
    var states = r.state || [];
    var badState = states.filter(function (v) { return index.vocab.state.indexOf(v) < 0; })[0];
    if (badState !== undefined) return { error: ['state', 'unknown state ' + JSON.stringify(badState)] };
    if (states.length && !asOf) return { error: ['state', 'state needs as_of'] };
    if (asOf && asOf > index.reviewed_through) return { error: ['as_of', 'after the review date'] };
    var query = { from: from, to: to, q: q, updated_since: since, as_of: asOf,
                  state: asOf ? unique(states) : [], significance: 'significance' in r ? toInt(r.significance) : null,
                  sort: r.sort || 'date',
                  entity: unique((r.entity || []).map(pyStrip).filter(function (e) { return e; })) };
    index.filters.forEach(function (name) { query[name] = unique(r[name] || []); });
    return { query: query };
  }

  /* A URL's parameters -> {query, errors, x0, x1, ...}: bad parameters are named in `errors` and
     left out of the query, never silently replaced (app/pages.py parse_view). */
  function parse(search, index) {
    var params = typeof search === 'string' ? new URLSearchParams(search) : search;
    var errors = {}, dropped = {};
    params.forEach(function (v, k) { if (index.known_params.indexOf(k) < 0 && !(k in errors)) errors[k] = 'unknown'; });
    // a parameter that takes one value, given twice: which one counts is not guessed (app/pages.py parse_view)
    params.forEach(function (v, k) {
      if (!(k in errors) && index.known_params.indexOf(k) >= 0 && lists(index).indexOf(k) < 0 && params.getAll(k).length > 1) {
        errors[k] = 'repeated'; dropped[k] = true;
      }
    });
    for (var round = 0; round < 40; round++) {
      var r = raw(params, index);
      Object.keys(dropped).forEach(function (k) { delete r[k]; });
      index.known_params.length && Object.keys(r).forEach(function (k) { if (index.known_params.indexOf(k) < 0) delete r[k]; });
      var errs = fieldErrors(r, index);
      if (Object.keys(errs).length) {
        Object.keys(errs).forEach(function (k) { if (!(k in errors)) errors[k] = errs[k]; dropped[k] = true; });
        continue;
      }
      var made = toQuery(r, index);
      if (made.error) {
        var name = made.error[0];
        if (name === 'from' && made.error[1] === 'from-after-to') { dropped.from = dropped.to = true; }
        else dropped[name] = true;
        if (!(name in errors)) errors[name] = made.error[1];
        continue;
      }
      var q = made.query, x0 = null, x1 = null;
      if (r.x0 || r.x1) {  // app/pages.py _x_range: both ends, valid dates, in order
        var zoom = {};
        if (!(r.x0 && r.x1)) zoom[r.x0 ? 'x0' : 'x1'] = 'zoom-needs-both';
        else {
          try { x0 = partialDate(r.x0, false); } catch (e) { zoom.x0 = e.message; }
          try { x1 = partialDate(r.x1, true); } catch (e) { zoom.x1 = e.message; }
          if (!Object.keys(zoom).length && !(x0 < x1)) zoom.x0 = 'zoom-reversed';
        }
        if (Object.keys(zoom).length) {
          Object.keys(zoom).forEach(function (k) { if (!(k in errors)) errors[k] = zoom[k]; });
          dropped.x0 = dropped.x1 = true;
          continue;
        }
      }
      q.x0 = x0; q.x1 = x1;
      q.lang = r.lang || null;
      q.event = r.event || null;
      q.connectors = 'connectors' in r ? bool(r.connectors) === true : true;
      return { query: q, errors: errors };
    }
    throw new Error('unreachable');
  }

  function stateOn(index, i, day) {
    var rows = index.states[String(i)];
    if (!rows) return null;
    var found = null;
    for (var k = 0; k < rows.length && rows[k][0] <= day; k++) found = rows[k];
    return found && { state: found[1], since: found[2], by: found[3] };
  }

  function wholeWord(term) {
    var esc = term.replace(/[.*+?^${}()|[\]\\\/]/g, '\\$&');
    return new RegExp('(?<![\\p{L}\\p{N}_])' + esc + '(?![\\p{L}\\p{N}_])', 'u');
  }

  /* app/query.py _filter: OR within a filter, AND across; the rest in one pass. */
  function match(index, q, skip) {
    var n = index.ids.length, keep = new Uint8Array(n).fill(1);
    index.filters.forEach(function (name) {
      if (name === skip || !q[name].length) return;
      var ok = new Uint8Array(n);
      q[name].forEach(function (v) { ((index.postings[name] || {})[v] || []).forEach(function (i) { ok[i] = 1; }); });
      for (var i = 0; i < n; i++) keep[i] &= ok[i];
    });
    var entities = q.entity.map(function (v) { return fold(pyStrip(v), index); }).filter(function (t) { return t; });
    var res = entities.map(wholeWord);
    var terms = q.q ? unique(pySplit(q.q).map(function (t) { return fold(t, index); }).filter(function (t) { return t; })) : [];
    var wanted = q.as_of ? (q.state.length ? q.state : ['in-force']) : null;
    var out = [];
    for (var i = 0; i < n; i++) {
      if (!keep[i]) continue;
      if (q.entity.length) {
        var names = index.entities[i], hit = false;
        for (var a = 0; a < entities.length && !hit; a++) {
          for (var b = 0; b < names.length && !hit; b++) hit = names[b] === entities[a] || res[a].test(names[b]);
        }
        if (!hit) continue;
      }
      var text = index.text[i], all = true;
      for (var t = 0; t < terms.length && all; t++) all = text.indexOf(terms[t]) >= 0;
      if (!all) continue;
      var d = index.dates[i];
      if (skip !== 'year' && ((q.from && d < q.from) || (q.to && d > q.to))) continue;
      if (q.significance && index.significance[i] < q.significance) continue;
      if (q.updated_since && index.updated[i] < q.updated_since) continue;
      if (wanted) { var st = stateOn(index, i, q.as_of); if (!st || wanted.indexOf(st.state) < 0) continue; }
      out.push(i);
    }
    if (q.sort === '-date') out.reverse();
    return out;
  }

  /* app/query.py facets: each facet counted with every filter but its own. */
  function facets(index, q) {
    var out = {};
    index.facets.forEach(function (name) {
      var found = match(index, q, name), inSet = new Uint8Array(index.ids.length), counts = {};
      found.forEach(function (i) { inSet[i] = 1; });
      var values = index.postings[name] || {};
      Object.keys(values).forEach(function (v) {
        var c = 0;
        values[v].forEach(function (i) { c += inSet[i]; });
        if (c) counts[v] = c;
      });
      out[name] = counts;
    });
    return out;
  }

  var api = { parse: parse, match: match, facets: facets, fold: fold, stateOn: stateOn, partialDate: partialDate, bool: bool };
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.CCTQuery = api;
})(typeof self !== 'undefined' ? self : this);
