// dlasim report: details on hover and click, graph zoom/pan/search/collapse, timeline zoom.
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

  // The graph: a node is "layer_<i>" or "loadable_<k>"; clusters are "cluster_<k>".
  function targetOf(e) {
    var n = e.target.closest('g.node, g.cluster');
    if (!n) return null;
    var m = /^(?:collapsed_)?(layer|loadable|cluster)_(\d+)$/.exec(n.id);
    return m ? { el: n, what: m[1], index: +m[2] } : null;
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
  function active() { return document.querySelector('.graph-view .pan:not([hidden]) svg'); }
  function fit() {
    var svg = active();
    if (!svg) return;
    var w = svg.width.baseVal.value, h = svg.height.baseVal.value;
    pan.s = Math.min(1, view.clientWidth / w);
    pan.x = Math.max(0, (view.clientWidth - w * pan.s) / 2);
    pan.y = 0;
    apply();
  }
  view.addEventListener('mouseover', function (e) { var t = targetOf(e); if (t && !pinned) show(t); });
  view.addEventListener('click', function (e) {
    if (pan.moved) return;
    var t = targetOf(e);
    if (!t) { pinned = false; select(null); return; }
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
  document.querySelectorAll('button[data-view]').forEach(function (b) {
    b.onclick = function () {
      document.querySelectorAll('button[data-view]').forEach(function (o) { o.classList.toggle('on', o === b); });
      document.querySelectorAll('.graph-view .pan').forEach(function (p) { p.hidden = p.id !== 'graph-' + b.dataset.view; });
      fit();
    };
  });
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
    var collapsed = !document.getElementById('graph-loadables').hidden;
    var id = !collapsed ? 'layer_' + i : l.device === 'DLA' ? 'collapsed_loadable_' + l.loadable : 'collapsed_layer_' + i;
    var n = document.getElementById(id);
    showLayer(i); pinned = true;
    if (!n) return;
    select(n);
    var r = n.getBoundingClientRect(), v = view.getBoundingClientRect();
    pan.x += v.left + v.width / 2 - (r.left + r.width / 2);
    pan.y += v.top + v.height / 2 - (r.top + r.height / 2);
    apply();
  }

  // Timeline, tables and bars: a click shows the row (and its layer in the graph).
  document.addEventListener('click', function (e) {
    var el = e.target.closest('[data-row], rect.span');
    if (!el || view.contains(el)) return;
    pinned = true;
    if (el.tagName === 'rect') select(el);
    if (el.classList.contains('span')) { showLoadable(+el.dataset.loadable); return; }
    var r = data.rows[+el.dataset.row];
    if (r.layer >= 0) focusLayer(r.layer); else showRow(+el.dataset.row);
  });
  var tl = document.getElementById('timeline-svg'), tscroll = document.getElementById('timeline-scroll');
  var tzoom = 1;
  function axis() {
    var ax = document.getElementById('timeline-axis'), ms = +tl.dataset.latencyMs;
    var w = tscroll.clientWidth * tzoom, step = Math.pow(10, Math.floor(Math.log10(ms / 8 || 1)));
    if (ms / step > 16) step *= 2;
    if (ms / step > 16) step *= 2.5;
    var html = '';
    for (var t = 0; t <= ms * 1.0001; t += step) html += '<span style="left:' + (w * t / ms) + 'px' + (t ? '' : ';transform:none') + '">' + +t.toPrecision(4) + ' ms</span>';
    ax.style.width = w + 'px';
    ax.innerHTML = html;
  }
  function tlZoom(f) { tzoom = Math.max(1, tzoom * f); tl.style.width = (100 * tzoom) + '%'; axis(); }
  document.getElementById('tl-in').onclick = function () { tlZoom(2); };
  document.getElementById('tl-out').onclick = function () { tlZoom(0.5); };
  window.addEventListener('resize', axis);
  axis();
  fit();
})();
