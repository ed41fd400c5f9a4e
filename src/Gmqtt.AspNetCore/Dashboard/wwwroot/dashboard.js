// Gmqtt dashboard. Vanilla JavaScript, no dependencies: data and actions through the admin API (fetch), live data
// through the dashboard's Server-Sent Events (EventSource). Everything from the broker is put in the page as text
// (textContent), never as HTML: topics, payloads and client ids come from clients.
'use strict';

(() => {
  const meta = name => document.querySelector(`meta[name="${name}"]`).content;
  const admin = meta('gmqtt-admin');
  const keyHeader = meta('gmqtt-key-header'), keyCookie = meta('gmqtt-key-cookie');
  const $ = id => document.getElementById(id);
  const WINDOW_MS = 10 * 60 * 1000; // The chart's span: the statistics history keeps 10 minutes.
  const TAIL_ROWS = 200;            // Rows kept in the live tail; older ones leave the page.
  const CLIENTS_PAGE_SIZE = 25;

  // ---- helpers ---------------------------------------------------------------------------------------------------

  /** Creates an element; children are nodes or strings (as text). */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === 'class') node.className = value;
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
  const rate = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
  const fmt = n => (n === null || n === undefined ? '–' : integer.format(n));
  const fmtRate = n => (n === null || n === undefined ? '–' : rate.format(n));

  function fmtBytes(n) {
    if (n === null || n === undefined) return '–';
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return `${i === 0 ? n : rate.format(n)} ${units[i]}`;
  }

  function fmtDuration(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    if (d) return `${d}d ${h}h`;
    if (h) return `${h}h ${m}m`;
    if (m) return `${m}m ${s}s`;
    return `${s}s`;
  }

  const fmtTime = iso => {
    const t = new Date(iso);
    return `${t.toLocaleTimeString(undefined, { hour12: false })}.${String(t.getMilliseconds()).padStart(3, '0')}`;
  };

  function banner(text) {
    const node = $('banner');
    node.textContent = text || '';
    node.hidden = !text;
  }

  /**
   * The API key from the sign-in cookie, sent in the API-key header too: the scheme may take the cookie for reads only,
   * so that another site cannot forge a change (it can neither read the cookie nor set the header).
   */
  function keyHeaders() {
    if (!keyHeader || !keyCookie) return {};
    const cookie = document.cookie.split('; ').find(c => c.startsWith(`${keyCookie}=`));
    return cookie ? { [keyHeader]: decodeURIComponent(cookie.slice(keyCookie.length + 1)) } : {};
  }

  /** Calls the admin API; throws an Error carrying the problem-details text on failure. */
  async function api(method, path, body) {
    const response = await fetch(admin + path, {
      method,
      headers: { ...keyHeaders(), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
    if (response.status === 401 || response.status === 403) {
      banner(`The admin API at ${admin} answered ${response.status}: this page's credentials are not accepted there.`);
      throw new Error(`HTTP ${response.status}`);
    }
    if (!response.ok) {
      const problem = await response.json().catch(() => null);
      const errors = problem && problem.errors ? Object.values(problem.errors).flat().join(' ') : '';
      throw new Error(errors || (problem && (problem.detail || problem.title)) || `HTTP ${response.status}`);
    }
    return response.status === 204 ? null : response.json();
  }

  /** A topic in the admin API's path (a catch-all): each level escaped, the slashes kept. */
  const topicPath = topic => topic.split('/').map(encodeURIComponent).join('/');
  /** A client id in the admin API's path: one segment, so a slash in it is escaped too. */
  const clientPath = clientId => encodeURIComponent(clientId);

  /** Same rules as the broker: '+' alone in its level, '#' alone and last. */
  function isValidFilter(filter) {
    if (!filter || filter.startsWith('$share/')) return false;
    const levels = filter.split('/');
    return levels.every((level, i) =>
      (!level.includes('+') || level === '+') && (!level.includes('#') || (level === '#' && i === levels.length - 1)));
  }

  // ---- overview and chart ----------------------------------------------------------------------------------------

  const series = []; // { t: ms, in: msg/s, out: msg/s }, oldest first

  function addPoint(at, received, sent) {
    const t = Date.parse(at);
    if (series.length && t <= series[series.length - 1].t) return;
    series.push({ t, in: received, out: sent });
    while (series.length && series[0].t < t - WINDOW_MS) series.shift();
  }

  /** The y axis: the smallest step of 1, 2 or 5 times a power of ten that covers max in at most 5 grid lines. */
  function yAxis(max) {
    for (let power = 1; ; power *= 10) {
      for (const step of [power, 2 * power, 5 * power]) {
        if (max <= 5 * step) return { step, lines: Math.max(2, Math.ceil(max / step)) };
      }
    }
  }

  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function drawChart() {
    const chart = $('chart');
    const width = chart.clientWidth || 800, height = chart.clientHeight || 220;
    chart.setAttribute('viewBox', `0 0 ${width} ${height}`);
    const left = 52, right = 12, top = 10, bottom = 24;
    const plotW = width - left - right, plotH = height - top - bottom;
    const end = series.length ? series[series.length - 1].t : Date.now();
    const start = end - WINDOW_MS;
    const { step, lines } = yAxis(Math.max(0, ...series.map(p => Math.max(p.in, p.out))));
    const max = step * lines;
    const x = t => left + (t - start) / WINDOW_MS * plotW;
    const y = v => top + plotH - v / max * plotH;

    const nodes = [];
    for (let i = 0; i <= lines; i++) {
      const v = step * i;
      nodes.push(svg('line', { class: 'grid-line', x1: left, x2: width - right, y1: y(v), y2: y(v) }));
      nodes.push(svg('text', { class: 'axis', x: left - 8, y: y(v) + 4, 'text-anchor': 'end' }, fmtRate(v)));
    }
    for (let minutes = 10; minutes >= 0; minutes -= 2) {
      const t = end - minutes * 60000;
      nodes.push(svg('text', { class: 'axis', x: x(t), y: height - 6, 'text-anchor': minutes === 10 ? 'start' : minutes === 0 ? 'end' : 'middle' },
        minutes === 0 ? 'now' : `−${minutes} min`));
    }
    if (series.length > 1) {
      const line = key => series.map((p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p[key]).toFixed(1)}`).join('');
      const inLine = line('in');
      nodes.push(svg('path', { class: 'area-in', d: `${inLine}L${x(end).toFixed(1)},${y(0)}L${x(series[0].t).toFixed(1)},${y(0)}Z` }));
      nodes.push(svg('path', { class: 'line-in', d: inLine }));
      nodes.push(svg('path', { class: 'line-out', d: line('out') }));
    }
    chart.replaceChildren(...nodes);
  }

  let lastCounts = '';
  function showOverview(o) {
    $('version').textContent = o.version ? `Gmqtt ${o.version.split('+')[0]}` : 'Gmqtt'; // Without the build's commit.
    $('uptime').textContent = fmtDuration(o.uptimeSeconds);
    $('stat-connections').textContent = fmt(o.connections);
    $('stat-connections-sub').textContent = `${fmtBytes(o.bytesReceived)} in · ${fmtBytes(o.bytesSent)} out`;
    $('stat-sessions').textContent = fmt(o.sessions);
    $('stat-sessions-sub').textContent = `${fmt(o.offlineSessions)} offline`;
    $('stat-subscriptions').textContent = fmt(o.subscriptions);
    $('stat-retained').textContent = fmt(o.retainedMessages);
    $('stat-in').textContent = fmtRate(o.messagesReceivedPerSecond);
    $('stat-in-sub').textContent = `${fmt(o.messagesReceived)} total`;
    $('stat-out').textContent = fmtRate(o.messagesSentPerSecond);
    $('stat-out-sub').textContent = `${fmt(o.messagesSent)} total · ${fmt(o.messagesDropped)} dropped`;

    // Someone connected, left or subscribed: the clients table is out of date.
    const counts = `${o.connections}/${o.sessions}/${o.subscriptions}`;
    if (counts !== lastCounts) {
      lastCounts = counts;
      refreshClients();
    }
  }

  function startEvents() {
    const live = $('live'), text = $('live-text');
    const events = new EventSource('events');
    events.addEventListener('overview', e => {
      live.dataset.state = 'live';
      text.textContent = 'live';
      const { overview, sample } = JSON.parse(e.data);
      if (sample) addPoint(sample.at, sample.messagesReceivedPerSecond, sample.messagesSentPerSecond);
      drawChart();
      showOverview(overview);
    });
    events.addEventListener('error', () => {
      // EventSource reconnects by itself unless the server refused the stream.
      live.dataset.state = 'down';
      text.textContent = events.readyState === EventSource.CLOSED ? 'disconnected — reload the page' : 'reconnecting…';
    });
  }

  async function seedChart() {
    try {
      const samples = await api('GET', '/stats/history');
      for (const s of samples) addPoint(s.at, s.messagesReceivedPerSecond, s.messagesSentPerSecond);
      drawChart();
    } catch (e) {
      console.warn('statistics history unavailable', e);
    }
  }

  // ---- clients ---------------------------------------------------------------------------------------------------

  const clients = { page: 1, total: 0, selected: null, refreshing: null, again: false };

  async function refreshClients() {
    if (clients.refreshing) { clients.again = true; return; }
    clients.refreshing = loadClients().finally(() => {
      clients.refreshing = null;
      if (clients.again) { clients.again = false; refreshClients(); }
    });
  }

  async function loadClients() {
    const query = new URLSearchParams({ page: clients.page, pageSize: CLIENTS_PAGE_SIZE });
    const search = $('client-search').value.trim();
    if (search) query.set('search', search);
    if (!$('client-offline').checked) query.set('connected', 'true');
    let result;
    try {
      result = await api('GET', `/clients?${query}`);
    } catch (e) {
      return;
    }
    clients.total = result.total;
    const rows = result.items.map(clientRow);
    if (!rows.length) rows.push(el('tr', {}, el('td', { class: 'empty', colspan: 9 }, search ? 'No client matches.' : 'No clients yet.')));
    $('clients').tBodies[0].replaceChildren(...rows);
    const first = (result.page - 1) * result.pageSize + 1;
    $('clients-count').textContent = result.items.length
      ? `${fmt(first)}–${fmt(first + result.items.length - 1)} of ${fmt(result.total)}`
      : `${fmt(result.total)} in all`;
    $('clients-prev').disabled = result.page <= 1;
    $('clients-next').disabled = result.page * result.pageSize >= result.total;
    if (clients.selected) loadDetail(clients.selected);
  }

  function clientRow(c) {
    const row = el('tr', { dataset: { clientId: c.clientId }, onclick: () => select(c.clientId) },
      el('td', { class: 'id', title: c.clientId }, c.clientId),
      el('td', {}, el('span', { class: c.connected ? 'badge online' : 'badge' }, c.connected ? 'online' : 'offline')),
      el('td', {}, c.protocolVersion || ''),
      el('td', { class: 'address' }, c.connected ? c.remoteEndPoint || '' : '', c.connected && c.transport ? el('span', { class: 'transport' }, c.transport) : null),
      el('td', { class: 'num' }, fmt(c.subscriptions ? c.subscriptions.length : 0)),
      el('td', { class: 'num' }, fmt(c.queuedMessages)),
      el('td', { class: 'num' }, fmt(c.inflightMessages)),
      el('td', { class: 'num' }, `${fmt(c.messagesReceived)} / ${fmt(c.messagesSent)}`),
      el('td', { class: 'num' }, c.connected
        ? el('button', { type: 'button', class: 'danger ghost small', 'aria-label': `Disconnect ${c.clientId}`, onclick: e => { e.stopPropagation(); disconnect(c.clientId, false, e.currentTarget); } }, 'Disconnect')
        : null));
    if (c.clientId === clients.selected) row.classList.add('selected');
    return row;
  }

  async function disconnect(clientId, endSession, button) {
    if (button) button.disabled = true;
    try {
      await api('DELETE', `/clients/${clientPath(clientId)}?endSession=${endSession}`);
      banner('');
    } catch (e) {
      banner(`Could not disconnect ${clientId}: ${e.message}`);
    }
    if (endSession && clients.selected === clientId) select(null);
    refreshClients();
  }

  function select(clientId) {
    clients.selected = clientId;
    for (const row of $('clients').tBodies[0].rows) row.classList.toggle('selected', row.dataset.clientId === clientId);
    $('detail-id').textContent = clientId || '';
    $('detail-empty').hidden = !!clientId;
    $('detail').hidden = !clientId;
    resetEndSession();
    if (clientId) loadDetail(clientId);
  }

  async function loadDetail(clientId) {
    let c;
    try {
      c = await api('GET', `/clients/${clientPath(clientId)}`);
    } catch (e) {
      if (clients.selected === clientId) {
        $('detail-facts').replaceChildren(el('dt', {}, 'Session'), el('dd', {}, 'gone'));
        $('detail-subscriptions').tBodies[0].replaceChildren();
      }
      return;
    }
    if (clients.selected !== clientId) return;
    const expiry = c.sessionExpiryInterval === 4294967295 ? 'never' : c.sessionExpiryInterval ? fmtDuration(c.sessionExpiryInterval) : 'with the connection';
    const facts = [
      ['Status', c.connected ? 'online' : 'offline'],
      ['MQTT', c.protocolVersion],
      ['User', c.userName || '—'],
      ['Address', c.connected ? `${c.remoteEndPoint || ''} (${c.transport || ''})` : '—'],
      ['Connected at', c.connectedAt ? new Date(c.connectedAt).toLocaleString() : '—'],
      ['Keep alive', c.connected ? `${c.keepAlive} s` : '—'],
      ['Session expires', expiry],
      ['Queued', fmt(c.queuedMessages)],
      ['In flight', fmt(c.inflightMessages)],
      ['Messages in / out', `${fmt(c.messagesReceived)} / ${fmt(c.messagesSent)}`],
      ['Bytes in / out', `${fmtBytes(c.bytesReceived)} / ${fmtBytes(c.bytesSent)}`],
    ];
    $('detail-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
    const subs = (c.subscriptions || []).map(s => el('tr', {},
      el('td', { class: 'topic' }, s.filter),
      el('td', { class: 'num' }, s.qos),
      el('td', { class: 'muted' }, [s.noLocal && 'no local', s.retainAsPublished && 'retain as published'].filter(Boolean).join(', '))));
    if (!subs.length) subs.push(el('tr', {}, el('td', { class: 'empty', colspan: 3 }, 'No subscriptions.')));
    $('detail-subscriptions').tBodies[0].replaceChildren(...subs);
    $('detail-disconnect').disabled = !c.connected;
  }

  // "End session" discards state: it asks once more on the button itself (no dialog box).
  let endArmed = null;
  function resetEndSession() {
    clearTimeout(endArmed);
    endArmed = null;
    $('detail-end').textContent = 'End session';
  }

  // ---- retained --------------------------------------------------------------------------------------------------

  async function loadRetained() {
    const filter = $('retained-filter').value.trim() || '#';
    if (!isValidFilter(filter)) {
      $('retained-count').textContent = 'not a valid topic filter';
      return;
    }
    let items;
    try {
      items = await api('GET', `/retained?filter=${encodeURIComponent(filter)}`);
    } catch (e) {
      $('retained-count').textContent = e.message;
      return;
    }
    items.sort((a, b) => a.topic.localeCompare(b.topic));
    $('retained-count').textContent = `${fmt(items.length)} topic${items.length === 1 ? '' : 's'}`;
    const rows = items.map(m => {
      const size = m.payloadBase64 ? Math.floor(m.payloadBase64.length * 3 / 4) - (m.payloadBase64.match(/=*$/)[0].length) : 0;
      return el('tr', { dataset: { topic: m.topic } },
        el('td', { class: 'topic' }, m.topic),
        m.payload !== null && m.payload !== undefined
          ? el('td', { class: 'payload', title: m.payload }, m.payload)
          : el('td', { class: 'payload' }, el('span', { class: 'badge binary' }, 'binary')),
        el('td', { class: 'num' }, m.qos),
        el('td', { class: 'num' }, fmtBytes(size)),
        el('td', { class: 'num' }, el('button', {
          type: 'button', class: 'danger ghost small', 'aria-label': `Delete retained ${m.topic}`,
          onclick: async e => {
            e.currentTarget.disabled = true;
            try { await api('DELETE', `/retained/${topicPath(m.topic)}`); } catch (err) { banner(`Could not delete: ${err.message}`); }
            loadRetained();
          },
        }, 'Delete')));
    });
    if (!rows.length) rows.push(el('tr', {}, el('td', { class: 'empty', colspan: 5 }, 'No retained messages match.')));
    $('retained').tBodies[0].replaceChildren(...rows);
  }

  // ---- publish ---------------------------------------------------------------------------------------------------

  async function publish(e) {
    e.preventDefault();
    const result = $('publish-result');
    const body = {
      topic: $('publish-topic').value,
      payload: $('publish-payload').value,
      qos: Number($('publish-qos').value),
      retain: $('publish-retain').checked,
    };
    $('publish-send').disabled = true;
    try {
      const answer = await api('POST', '/publish', body);
      result.className = 'result ok';
      result.textContent = `Published to ${body.topic}: ${answer && answer.reasonCode !== undefined ? answer.reasonCode : 'ok'}`;
      if (body.retain) loadRetained();
    } catch (err) {
      result.className = 'result err';
      result.textContent = `Not published: ${err.message}`;
    } finally {
      $('publish-send').disabled = false;
    }
  }

  // ---- live tail -------------------------------------------------------------------------------------------------

  let tail = null;

  function stopTail(status) {
    if (tail) tail.close();
    tail = null;
    $('tail-toggle').textContent = 'Start';
    $('tail-filter').disabled = false;
    $('tail-status').textContent = status || 'stopped';
  }

  function startTail() {
    const filter = $('tail-filter').value.trim();
    if (!isValidFilter(filter)) {
      $('tail-status').textContent = 'not a valid topic filter';
      return;
    }
    const source = new EventSource(`tail?filter=${encodeURIComponent(filter)}`);
    tail = source;
    $('tail-toggle').textContent = 'Stop';
    $('tail-filter').disabled = true;
    $('tail-status').textContent = 'connecting…';
    let dropped = 0;
    source.addEventListener('ready', () => {
      $('tail-status').textContent = `listening to ${filter}`;
      $('tail-card').dataset.listening = filter;
    });
    source.addEventListener('message', e => {
      const m = JSON.parse(e.data);
      const body = $('tail').tBodies[0];
      const payload = m.payload !== null && m.payload !== undefined
        ? el('td', { class: 'payload', title: m.payload }, m.payload + (m.truncated ? ' …' : ''))
        : el('td', { class: 'payload' }, el('span', { class: 'badge binary' }, `binary ${fmtBytes(m.size)}`), ` ${m.payloadHex || ''}${m.truncated ? '…' : ''}`);
      body.prepend(el('tr', { dataset: { topic: m.topic } },
        el('td', { class: 'time' }, fmtTime(m.at)),
        el('td', { class: 'topic' }, m.topic, m.retain ? el('span', { class: 'badge retain' }, 'retained') : null),
        el('td', { class: 'num' }, m.qos),
        el('td', { class: 'id' }, m.clientId || 'server'),
        payload));
      while (body.rows.length > TAIL_ROWS) body.deleteRow(-1);
      if (m.dropped !== dropped) {
        dropped = m.dropped;
        $('tail-status').textContent = `listening to ${filter} · ${fmt(dropped)} dropped (the page fell behind)`;
      }
    });
    source.addEventListener('error', () => {
      if (tail !== source) return;
      if (source.readyState === EventSource.CLOSED) {
        // Refused (too many tails open, or the filter) or the server went away for good.
        delete $('tail-card').dataset.listening;
        stopTail('could not open the tail (too many open, or refused)');
      } else {
        delete $('tail-card').dataset.listening;
        $('tail-status').textContent = 'reconnecting…';
      }
    });
  }

  // ---- wiring ----------------------------------------------------------------------------------------------------

  let searchTimer = null;
  $('client-search').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => { clients.page = 1; refreshClients(); }, 200);
  });
  $('client-offline').addEventListener('change', () => { clients.page = 1; refreshClients(); });
  $('clients-prev').addEventListener('click', () => { clients.page = Math.max(1, clients.page - 1); refreshClients(); });
  $('clients-next').addEventListener('click', () => { clients.page++; refreshClients(); });
  $('detail-disconnect').addEventListener('click', e => disconnect(clients.selected, false, e.currentTarget));
  $('detail-end').addEventListener('click', () => {
    if (!endArmed) {
      $('detail-end').textContent = 'Click again to end the session';
      endArmed = setTimeout(resetEndSession, 4000);
      return;
    }
    resetEndSession();
    disconnect(clients.selected, true, null);
  });
  $('publish-form').addEventListener('submit', publish);
  $('retained-form').addEventListener('submit', e => { e.preventDefault(); loadRetained(); });
  $('tail-form').addEventListener('submit', e => { e.preventDefault(); if (tail) stopTail(); else startTail(); });
  $('tail-clear').addEventListener('click', () => $('tail').tBodies[0].replaceChildren());
  window.addEventListener('resize', drawChart);

  if (keyHeader && keyCookie) {
    const signout = $('signout');
    signout.hidden = false;
    signout.addEventListener('click', async () => {
      await fetch('session', { method: 'DELETE', headers: keyHeaders(), credentials: 'same-origin' }).catch(() => {});
      location.reload();
    });
  }

  drawChart();
  seedChart().then(startEvents);
  refreshClients();
  loadRetained();
  setInterval(refreshClients, 5000); // Queue depths and counters move without a connect or a subscribe.
})();
