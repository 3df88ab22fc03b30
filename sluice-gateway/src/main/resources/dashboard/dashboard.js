// Sluice dashboard: plots /system/live (one stats document per second). Every series keeps at most
// MAX points, so a tab left open for days stays small.
(function () {
  'use strict';
  const MAX = 300;
  const MiB = 1024 * 1024;
  const state = { messages: 0, points: {} };
  window.sluiceDashboard = state;

  const defs = {
    heap: [['floor MiB', '#58a6ff'], ['slope MiB/min', '#d29922', 'slope']],
    inflight: [['in flight', '#3fb950'], ['limit', '#f85149']],
    rates: [['requests/s', '#58a6ff'], ['sheds/s', '#f85149']],
    latency: [['p50', '#3fb950'], ['p99', '#d29922'], ['ttft p50', '#58a6ff'], ['ttft p99', '#bc8cff']],
    cache: [['hit %', '#3fb950']],
    usage: [['queued', '#58a6ff'], ['dropped', '#f85149']],
  };
  const charts = {};
  const data = {};

  function num(v) { return typeof v === 'number' && isFinite(v) ? v : 0; }

  function make(name) {
    const el = document.querySelector('[data-chart="' + name + '"]');
    const series = [{}].concat(defs[name].map(([label, stroke, scale]) => ({ label, stroke, width: 2, scale: scale || 'y' })));
    const axes = [{ stroke: '#8a96a3', grid: { stroke: '#26303b' } }, { stroke: '#8a96a3', grid: { stroke: '#26303b' } }];
    if (defs[name].some(d => d[2])) axes.push({ scale: 'slope', side: 1, stroke: '#d29922', grid: { show: false } });
    data[name] = [[]].concat(defs[name].map(() => []));
    charts[name] = new uPlot({ width: Math.max(200, el.clientWidth), height: 180, series, axes,
      scales: { x: { time: true } } }, data[name], el);
    state.points[name] = 0;
  }

  function push(name, t, values) {
    const d = data[name];
    d[0].push(t);
    values.forEach((v, i) => d[i + 1].push(v));
    if (d[0].length > MAX) d.forEach(col => col.shift());
    charts[name].setData(d);
    state.points[name] = d[0].length;
  }

  let last = null;
  function onStats(s) {
    const t = Date.now() / 1000;
    const adm = s.admission || {}, mem = s.memory || {}, req = s.requests || {};
    const shedNow = Object.values(adm.shed || {}).reduce((a, b) => a + num(b), 0) || num(adm.rejected);
    const dt = last ? Math.max(0.001, t - last.t) : 1;
    const reqRate = last ? Math.max(0, (num(req.total) - last.total) / dt) : 0;
    const shedRate = last ? Math.max(0, (shedNow - last.shed) / dt) : 0;
    const cache = s.cache || {};
    const dh = last ? num(cache.hits) - last.hits : 0, dm = last ? num(cache.misses) - last.misses : 0;
    push('heap', t, [num(mem.floorBytes) / MiB, num(mem.slopeBytesPerMinute) / MiB]);
    push('inflight', t, [num(adm.inFlight ?? s.inFlight), num(adm.limit)]);
    push('rates', t, [reqRate, shedRate]);
    push('latency', t, [num(req.latencyP50Ms), num(req.latencyP99Ms), num(req.ttftP50Ms), num(req.ttftP99Ms)]);
    push('cache', t, [dh + dm > 0 ? 100 * dh / (dh + dm) : 0]);
    push('usage', t, [num((s.usage || {}).queued), num((s.usage || {}).dropped)]);
    last = { t, total: num(req.total), shed: shedNow, hits: num(cache.hits), misses: num(cache.misses) };

    text('phase', s.phase || '-');
    text('uptime', fmtUptime(num(s.uptimeSeconds)));
    text('memstate', (mem.state || '-') + ' ' + (num(mem.floorFraction) * 100).toFixed(0) + '%');
    text('leak', mem.leakSuspected ? 'yes' : 'no');
    text('inflight', String(num(adm.inFlight ?? s.inFlight)) + ' / ' + num(adm.limit));
    targets((s.routing || {}).targets || {});
    state.messages++;
    document.body.dataset.ready = 'true';
  }

  function text(id, v) { document.getElementById(id).textContent = v; }

  function fmtUptime(sec) {
    const h = Math.floor(sec / 3600), m = Math.floor(sec % 3600 / 60);
    return h > 0 ? h + 'h ' + m + 'm' : m + 'm ' + Math.floor(sec % 60) + 's';
  }

  function targets(map) {
    const body = document.querySelector('#targets tbody');
    body.replaceChildren(...Object.entries(map).slice(0, 200).map(([id, t]) => {
      const tr = document.createElement('tr');
      const cells = [id, null, num(t.inFlight), num(t.attempts), num(t.failures)];
      cells.forEach((c, i) => {
        const td = document.createElement('td');
        if (i === 1) {
          const b = document.createElement('span');
          b.className = 'badge ' + (t.breaker || 'CLOSED');
          b.textContent = t.breaker || '?';
          td.appendChild(b);
        } else td.textContent = String(c);
        tr.appendChild(td);
      });
      return tr;
    }));
  }

  function connect() {
    const es = new EventSource('/system/live');
    es.onmessage = e => {
      document.getElementById('conn').classList.remove('down');
      text('feed', 'live');
      try { onStats(JSON.parse(e.data)); } catch (err) { console.warn('bad stats message', err); }
    };
    es.onerror = () => {
      document.getElementById('conn').classList.add('down');
      text('feed', 'disconnected');
    };
  }

  function resize() {
    Object.entries(charts).forEach(([name, c]) => {
      const el = document.querySelector('[data-chart="' + name + '"]');
      c.setSize({ width: Math.max(200, el.clientWidth), height: 180 });
    });
  }

  Object.keys(defs).forEach(make);
  window.addEventListener('resize', resize);
  connect();
})();
