// dlasim report: details on hover and click, graph zoom/pan/search, per-loadable collapse, and
// the Chart.js charts (timeline zoom, clicks on bars).
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('dlasim-data').textContent);
  var details = document.getElementById('details');
  var pinned = false;

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function num(v) { return typeof v === 'number' ? (Math.abs(v) >= 1e6 ? v.toExponential(3) : +v.toPrecision(5)) : v; }
  function rows(pairs) {
    return '<table>' + pairs.filter(function (p) { return p[1] !== undefined && p[1] !== ''; })
      .map(function (p) { return '<tr><td>' + esc(p[0]) + '</td><td>' + esc(num(p[1])) + '</td></tr>'; })
      .join('') + '</table>';
  }
  function timing(t) {
    if (!t) return '';
    return '<h4>Modelled time</h4>' + rows([['time', num(t.ms) + ' ms'], ['bound', t.bound],
      ['compute', num(t.computeMs) + ' ms'], ['memory', num(t.memoryMs) + ' ms'],
      ['overhead', num(t.overheadMs) + ' ms'], ['engine unit', t.unit], ['DRAM bytes', t.dramBytes]]);
  }
  function showLayer(i) {
    var l = data.layers[i];
    var where = l.device === 'DLA' ? 'DLA, ' + (data.loadables[l.loadable] || {}).name : 'GPU';
    var html = '<h3>' + esc(l.name) + '</h3>' + rows([['type', l.type], ['ONNX', l.onnxNodes.join(', ')],
      ['runs on', where], ['precision', l.precision]]);
    html += '<h4>Work</h4>' + rows([['unit', l.work.unit], ['MACs', l.work.macs], ['element ops', l.work.eltOps],
      ['input bytes', l.work.inputBytes], ['output bytes', l.work.outputBytes], ['weight bytes', l.work.weightBytes]]);
    html += l.row >= 0 ? timing(data.rows[l.row]) : '<p>No time of its own (fused into a neighbour or a view).</p>';
    if (l.reasons.length) {
      html += '<h4>Why it is not on the DLA (' + l.reasons.length + ')</h4>';
      l.reasons.forEach(function (r) {
        html += '<div class="reason"><div class="rule">' + esc(r.rule) + '</div>' + esc(r.message) +
          rows([['value', r.value], ['limit', r.limit], ['fix', r.fix]]) + '</div>';
      });
    }
    details.innerHTML = html;
    details.dataset.layer = i;
  }
  function showRow(k) {
    var r = data.rows[k];
    if (r.layer >= 0) { showLayer(r.layer); return; }
    details.innerHTML = '<h3>' + esc(r.name) + '</h3>' + rows([['kind', r.kind], ['device', r.device],
      ['loadable', r.loadable >= 0 ? data.loadables[r.loadable].name : '']]) + timing(r);
    details.dataset.layer = '';
  }
  function showLoadable(k) {
    var l = data.loadables[k];
    details.innerHTML = '<h3>' + esc(l.name) + '</h3>' + rows([['layers', l.layers], ['modelled time', num(l.ms) + ' ms'],
      ['size', num(l.bytes) + ' bytes'], ['local DRAM', l.activationBytes], ['managed SRAM', l.sramBytes]]);
  }
  function select(el) {
    document.querySelectorAll('.selected').forEach(function (e) { e.classList.remove('selected'); });
    if (el) el.classList.add('selected');
  }

  // The graph: a node is "layer_<i>", a loadable's frame "cluster_<k>", its collapsed box
  // "collapsed_loadable_<k>".
  function targetOf(e) {
    var n = e.target.closest('g.node, g.cluster');
    if (!n) return null;
    var m = /^(?:collapsed_)?(layer|loadable|cluster)_(\d+)$/.exec(n.id);
    return m ? { el: n, what: m[1], index: +m[2], collapsed: m[1] === 'loadable' } : null;
  }
  function show(t) {
    if (t.what === 'layer') showLayer(t.index); else showLoadable(t.index);
  }
  var view = document.getElementById('graph-view');
  var pan = { x: 0, y: 0, s: 1, drag: null, moved: false };
  function apply() {
    document.querySelectorAll('.graph-view .pan').forEach(function (p) {
      p.style.transform = 'translate(' + pan.x + 'px,' + pan.y + 'px) scale(' + pan.s + ')';
    });
  }
  function active() { return document.querySelector('#graph-layers svg'); }
  function fit() {
    var svg = active();
    if (!svg) return;
    var w = svg.width.baseVal.value, h = svg.height.baseVal.value;
    pan.s = Math.min(1, view.clientWidth / w);
    pan.x = Math.max(0, (view.clientWidth - w * pan.s) / 2);
    pan.y = 0;
    apply();
  }

  // Collapsing loadables. Graphviz laid the graph out once with every layer; collapsing loadable
  // k hides its layers and inner edges, draws one box in their place and closes up the space:
  // everything below the frame moves up, and what lies beside it is squeezed into the box's
  // height (a monotone map of y, so edges stay joined and expanding restores the layout).
  var svg = active(), root = svg.querySelector('g.graph') || svg;
  var NS = 'http://www.w3.org/2000/svg', BOX = 40;
  var PAIR = /(-?[\d.]+),(-?[\d.]+)/g;
  function ys(str) { var out = []; str.replace(PAIR, function (m, x, y) { out.push([+x, +y]); return m; }); return out; }
  function shapePoints(g) {
    var s = g.querySelector('polygon, path, ellipse');
    if (!s) return [];
    if (s.tagName === 'ellipse') { var cx = +s.getAttribute('cx'), cy = +s.getAttribute('cy'), ry = +s.getAttribute('ry'); return [[cx, cy - ry], [cx, cy + ry]]; }
    return ys(s.getAttribute(s.tagName === 'path' ? 'd' : 'points') || '');
  }
  function extent(pts) {
    var b = { x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity };
    pts.forEach(function (p) { b.x0 = Math.min(b.x0, p[0]); b.x1 = Math.max(b.x1, p[0]); b.y0 = Math.min(b.y0, p[1]); b.y1 = Math.max(b.y1, p[1]); });
    return b;
  }
  var nodes = Array.prototype.map.call(root.querySelectorAll('g.node'), function (g) {
    var b = extent(shapePoints(g)), m = /\bld(\d+)\b/.exec(g.getAttribute('class') || '');
    return { g: g, cy: (b.y0 + b.y1) / 2, ld: m ? +m[1] : -1 };
  });
  var edges = Array.prototype.map.call(root.querySelectorAll('g.edge'), function (g) {
    var m = /\binld(\d+)\b/.exec(g.getAttribute('class') || ''), path = g.querySelector('path'), head = g.querySelector('polygon');
    var hb = head ? extent(ys(head.getAttribute('points'))) : null;
    return { g: g, ld: m ? +m[1] : -1, path: path, d: path && path.getAttribute('d'), head: head, headY: hb ? (hb.y0 + hb.y1) / 2 : 0 };
  });
  var frames = {};
  root.querySelectorAll('g.cluster').forEach(function (g) {
    var k = +g.id.replace('cluster_', ''), b = extent(shapePoints(g));
    var box = document.createElementNS(NS, 'g'), l = data.loadables[k];
    box.setAttribute('id', 'collapsed_loadable_' + k);
    box.setAttribute('class', 'node loadable collapsed dla ld' + k);
    box.style.display = 'none';
    var fill = (g.querySelector('path, polygon') || {}).getAttribute ? g.querySelector('path, polygon').getAttribute('fill') : '#ccc';
    // At least as wide as its text, centred on the frame.
    var cx = (b.x0 + b.x1) / 2, w = Math.max(b.x1 - b.x0, 180), name = l.name.length > 34 ? l.name.slice(0, 31) + '...' : l.name;
    box.innerHTML = '<title>' + esc(l.name) + ' (click to expand)</title><rect rx="6" x="' + (cx - w / 2) + '" width="' + w + '" height="' + BOX +
      '" fill="' + fill + '" stroke="#555" stroke-width="1.2"/><text text-anchor="middle" font-size="10" font-family="DejaVu Sans" x="' + cx + '">' +
      esc(name) + '</text><text text-anchor="middle" font-size="9" font-family="DejaVu Sans" x="' + cx + '">' +
      l.layers + ' DLA layers, ' + num(l.ms) + ' ms</text>';
    root.appendChild(box);
    frames[k] = { g: g, box: box, y0: b.y0, y1: b.y1 };
  });
  var bottom = extent(shapePoints(root)).y1;
  var size0 = { h: svg.height.baseVal.valueInSpecifiedUnits, unit: svg.getAttribute('height').replace(/[\d.]+/, ''), vb: svg.viewBox.baseVal };
  var vb0 = [size0.vb.x, size0.vb.y, size0.vb.width, size0.vb.height];
  var collapsed = {};
  function layoutCollapsed() {
    // The maps, in loadable order, each over the frame as the earlier ones left it.
    var maps = [];
    function map(y) {
      for (var i = 0; i < maps.length; ++i) {
        var m = maps[i];
        if (y >= m.b) y -= m.b - m.a - m.h; else if (y > m.a) y = m.a + (y - m.a) * m.h / (m.b - m.a);
      }
      return y;
    }
    Object.keys(frames).map(Number).sort(function (a, b) { return a - b; }).forEach(function (k) {
      if (!collapsed[k]) return;
      var a = map(frames[k].y0), b = map(frames[k].y1);
      maps.push({ a: a, b: b, h: Math.min(BOX, b - a) });
    });
    function move(y) { return 'translate(0,' + (map(y) - y) + ')'; }
    nodes.forEach(function (n) {
      var hide = n.ld >= 0 && collapsed[n.ld];
      n.g.style.display = hide ? 'none' : '';
      if (!hide) n.g.setAttribute('transform', move(n.cy));
    });
    edges.forEach(function (e) {
      var hide = e.ld >= 0 && collapsed[e.ld];
      e.g.style.display = hide ? 'none' : '';
      if (hide) return;
      if (e.path) e.path.setAttribute('d', e.d.replace(PAIR, function (m, x, y) { return x + ',' + map(+y); }));
      if (e.head) e.head.setAttribute('transform', move(e.headY));
    });
    Object.keys(frames).forEach(function (k) {
      var f = frames[k], a = map(f.y0), b = map(f.y1);
      f.g.style.display = collapsed[k] ? 'none' : '';
      f.box.style.display = collapsed[k] ? '' : 'none';
      if (collapsed[k]) {
        f.box.querySelector('rect').setAttribute('y', a);
        var t = f.box.querySelectorAll('text');
        t[0].setAttribute('y', a + 16); t[1].setAttribute('y', a + 30);
      } else {
        f.g.setAttribute('transform', 'translate(0,' + a + ') scale(1,' + (b - a) / (f.y1 - f.y0) + ') translate(0,' + -f.y0 + ')');
      }
    });
    var shrink = bottom - map(bottom);
    svg.setAttribute('height', (size0.h * (vb0[3] - shrink) / vb0[3]) + size0.unit);
    svg.setAttribute('viewBox', [vb0[0], vb0[1], vb0[2], vb0[3] - shrink].join(' '));
  }
  function setCollapsed(k, on) { collapsed[k] = on; layoutCollapsed(); }
  document.getElementById('collapse-all').onclick = function () {
    Object.keys(frames).forEach(function (k) { collapsed[k] = true; }); layoutCollapsed(); fit();
  };
  document.getElementById('expand-all').onclick = function () { collapsed = {}; layoutCollapsed(); fit(); };

  view.addEventListener('mouseover', function (e) { var t = targetOf(e); if (t && !pinned) show(t); });
  view.addEventListener('click', function (e) {
    if (pan.moved) return;
    var t = targetOf(e);
    if (!t) { pinned = false; select(null); return; }
    if (t.what !== 'layer') {
      // A loadable's frame collapses it, its box expands it.
      setCollapsed(t.index, !t.collapsed);
      t.el = document.getElementById((t.collapsed ? 'cluster_' : 'collapsed_loadable_') + t.index);
    }
    pinned = true; select(t.el); show(t);
  });
  view.addEventListener('mousedown', function (e) { pan.drag = [e.clientX - pan.x, e.clientY - pan.y]; pan.moved = false; });
  window.addEventListener('mouseup', function () { pan.drag = null; });
  window.addEventListener('mousemove', function (e) {
    if (!pan.drag) return;
    var x = e.clientX - pan.drag[0], y = e.clientY - pan.drag[1];
    if (Math.abs(x - pan.x) + Math.abs(y - pan.y) > 2) pan.moved = true;
    pan.x = x; pan.y = y; apply();
  });
  function zoom(f, cx, cy) {
    pan.x = cx - (cx - pan.x) * f; pan.y = cy - (cy - pan.y) * f; pan.s *= f; apply();
  }
  view.addEventListener('wheel', function (e) {
    e.preventDefault();
    var r = view.getBoundingClientRect();
    zoom(e.deltaY < 0 ? 1.2 : 1 / 1.2, e.clientX - r.left, e.clientY - r.top);
  }, { passive: false });
  document.getElementById('zoom-in').onclick = function () { zoom(1.25, view.clientWidth / 2, view.clientHeight / 2); };
  document.getElementById('zoom-out').onclick = function () { zoom(0.8, view.clientWidth / 2, view.clientHeight / 2); };
  document.getElementById('zoom-fit').onclick = fit;
  // Find a layer by name: centre it and show it.
  document.getElementById('search').addEventListener('change', function (e) {
    var q = e.target.value.toLowerCase();
    document.querySelectorAll('g.found').forEach(function (n) { n.classList.remove('found'); });
    if (!q) return;
    var i = data.layers.findIndex(function (l) { return l.name.toLowerCase().indexOf(q) >= 0; });
    if (i < 0) return;
    focusLayer(i);
  });
  function focusLayer(i) {
    var l = data.layers[i];
    if (l.device === 'DLA' && collapsed[l.loadable]) setCollapsed(l.loadable, false);
    var n = document.getElementById('layer_' + i);
    showLayer(i); pinned = true;
    if (!n) return;
    select(n);
    var r = n.getBoundingClientRect(), v = view.getBoundingClientRect();
    pan.x += v.left + v.width / 2 - (r.left + r.width / 2);
    pan.y += v.top + v.height / 2 - (r.top + r.height / 2);
    apply();
  }

  // Tables: a click shows the row (and its layer in the graph).
  function showAnyRow(k) {
    var r = data.rows[k];
    pinned = true;
    if (r.layer >= 0) focusLayer(r.layer); else showRow(k);
  }
  document.addEventListener('click', function (e) {
    var el = e.target.closest('tr[data-row]');
    if (el) showAnyRow(+el.dataset.row);
  });

  // Charts: Chart.js with the configurations written by the report (data.charts, by canvas id);
  // here only what JSON cannot say: tooltips that name rows, clicks that show them.
  function valueOf(item) {
    var raw = item.raw;
    if (raw && Array.isArray(raw.x)) return num(raw.x[1] - raw.x[0]) + ' ms (' + num(raw.x[0]) + ' to ' + num(raw.x[1]) + ')';
    return num(item.chart.options.indexAxis === 'y' ? item.parsed.x : item.parsed.y);
  }
  function makeChart(canvas) {
    if (Chart.getChart(canvas)) return;
    var cfg = data.charts[canvas.id], o = cfg.options = cfg.options || {};
    o.animation = false; o.responsive = true; o.maintainAspectRatio = false;
    o.plugins = o.plugins || {};
    o.plugins.tooltip = { callbacks: {
      title: function (items) {
        var it = items[0], ds = it.dataset;
        if (ds.names) return ds.names[it.dataIndex];
        if (ds.rows && ds.rows[it.dataIndex] >= 0) return data.rows[ds.rows[it.dataIndex]].name;
        return it.label;
      },
      label: function (item) { return item.dataset.label + ': ' + valueOf(item); } } };
    o.onClick = function (e, els, chart) {
      if (!els.length) return;
      var ds = chart.data.datasets[els[0].datasetIndex], i = els[0].index;
      if (ds.rows && ds.rows[i] >= 0) showAnyRow(ds.rows[i]);
      else if (ds.loadables && ds.loadables[i] >= 0) { pinned = true; showLoadable(ds.loadables[i]); }
    };
    new Chart(canvas, cfg);
  }
  document.querySelectorAll('canvas[data-chart]').forEach(function (c) {
    var d = c.closest('details');
    if (d && !d.open) d.addEventListener('toggle', function () { if (d.open) makeChart(c); });
    else makeChart(c);
  });
  // The timeline zooms and pans by its x axis' window.
  var tl = Chart.getChart(document.getElementById('timeline-chart'));
  var tlMs = +document.getElementById('timeline').dataset.latencyMs, tlWin = { lo: 0, span: tlMs };
  function tlShow(lo, span) {
    span = Math.min(tlMs, span);
    lo = Math.max(0, Math.min(tlMs - span, lo));
    tlWin = { lo: lo, span: span };
    tl.options.scales.x.min = lo; tl.options.scales.x.max = lo + span; tl.update('none');
  }
  document.getElementById('tl-in').onclick = function () { tlShow(tlWin.lo + tlWin.span / 4, tlWin.span / 2); };
  document.getElementById('tl-out').onclick = function () { tlShow(tlWin.lo - tlWin.span / 2, tlWin.span * 2); };
  document.getElementById('tl-left').onclick = function () { tlShow(tlWin.lo - tlWin.span / 2, tlWin.span); };
  document.getElementById('tl-right').onclick = function () { tlShow(tlWin.lo + tlWin.span / 2, tlWin.span); };
  fit();
})();
