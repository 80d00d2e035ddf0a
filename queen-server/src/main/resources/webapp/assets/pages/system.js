// System: workers, pools, the file buffer, maintenance switches, Prometheus.
import { api, h, num, replace, table, time, session, confirmAction, act, badge } from '../lib.js';

export async function render(el) {
  const body = h('div');
  el.append(h('div', { class: 'bar' }, h('h1', {}, 'System'), h('span', { class: 'spacer' }),
    h('a', { href: '/metrics/prometheus', target: '_blank', id: 'prometheus' }, 'Prometheus metrics')), body);

  async function refresh() {
    const admin = session.can('ADMIN');
    const [metrics, health, buffers, workers, push, pop] = await Promise.all([
      api('/metrics'), api('/health'), api('/api/v1/status/buffers'),
      api('/api/v1/analytics/worker-metrics?from=' + new Date(Date.now() - 300000).toISOString()),
      admin ? api('/api/v1/system/maintenance') : null, admin ? api('/api/v1/system/maintenance/pop') : null,
    ]);
    replace(body,
      h('div', { class: 'cards' },
        card('Health', badge(health.status || (health.database === 'connected' ? 'ok' : '?'))),
        card('Uptime', num(metrics.uptime) + ' s'),
        card('Requests /s', num(metrics.requests?.rate)), card('Messages /s', num(metrics.messages?.rate)),
        card('DB connections', `${num(metrics.database?.openConnections)} / ${num(metrics.database?.poolSize)}`),
        card('Heap', mb(metrics.memory?.heapUsed) + ' / ' + mb(metrics.memory?.heapTotal)),
        card('RSS', mb(metrics.memory?.rss)),
        card('File buffer', `${num(buffers.pending)} pending, ${num(buffers.failed)} failed`)),
      h('h2', {}, 'Maintenance'),
      admin ? h('div', { class: 'card' },
        toggle('push-maintenance', 'Push maintenance (pushes go to the file buffer)', push.maintenanceMode, '/api/v1/system/maintenance', refresh),
        h('p', { class: 'muted', id: 'buffered' }, `Buffered: ${num(push.bufferedMessages)} · buffer ${push.bufferHealthy ? 'healthy' : 'unhealthy'}`),
        toggle('pop-maintenance', 'Pop maintenance (pops answer empty)', pop.popMaintenanceMode, '/api/v1/system/maintenance/pop', refresh))
        : h('p', { class: 'muted' }, 'Maintenance switches need the admin role.'),
      h('h2', {}, 'Workers (last 5 minutes)'),
      table([['Host', w => w.hostname], ['Worker', w => w.workerId], ['PID', w => w.pid], ['Last seen', w => time(w.lastSeen)],
        ['Event-loop lag avg/max ms', w => `${num(w.avgEventLoopLagMs)} / ${num(w.maxEventLoopLagMs)}`, 'num'],
        ['Free slots (min)', w => num(w.minFreeSlots), 'num'], ['DB connections', w => num(w.dbConnections), 'num'],
        ['Pushed', w => num(w.pushMessages), 'num'], ['Popped', w => num(w.popMessages), 'num'],
        ['Acked', w => num(w.ackMessages), 'num'], ['Dead-lettered', w => num(w.dlqCount), 'num']],
      workers.workers || [], 'No worker has reported yet.'),
      h('h2', {}, 'Health'), h('pre', {}, JSON.stringify(health, null, 2)));
  }
  return { refresh };
}

function toggle(id, label, on, path, after) {
  const box = h('input', {
    type: 'checkbox', id, checked: !!on, onclick: async ev => {
      ev.preventDefault();
      const enable = !on;
      if (!await confirmAction(`${enable ? 'Turn on' : 'Turn off'}: ${label}?`)) return;
      await act(label, () => api(path, { method: 'POST', body: { enabled: enable } }));
      await after();
    },
  });
  return h('label', { class: 'switch' }, box, label, badge(on ? 'on' : 'off'));
}

function card(k, v) { return h('div', { class: 'card' }, h('div', { class: 'k' }, k), h('div', { class: 'v' }, v)); }
function mb(b) { return b == null ? '–' : Math.round(b / 1048576) + ' MB'; }
