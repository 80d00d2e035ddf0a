// One message: its payload pretty-printed, its state per consumer group, its traces as a timeline.
import { api, h, replace, time, badge, session, confirmAction, act, pretty } from '../lib.js';

export async function render(el, partitionId, transactionId) {
  const path = `/api/v1/messages/${encodeURIComponent(partitionId)}/${encodeURIComponent(transactionId)}`;
  const body = h('div');
  el.append(h('h1', {}, h('a', { href: '#/messages' }, 'Messages'), ' / ', transactionId), body);

  async function refresh() {
    const [m, traces] = await Promise.all([api(path),
      api(`/api/v1/traces/${encodeURIComponent(partitionId)}/${encodeURIComponent(transactionId)}`)]);
    const actions = session.can('READ_WRITE') ? h('div', { class: 'bar' },
      m.status === 'dead_letter' ? h('button', { class: 'primary', id: 'retry', onclick: async () => {
        if (await act('Retry', () => api(path + '/retry', { method: 'POST' }))) refresh();
      } }, 'Retry') : h('button', { id: 'to-dlq', onclick: async () => {
        if (!await confirmAction('Move this message to the dead-letter queue?')) return;
        if (await act('Move to DLQ', () => api(path + '/dlq', { method: 'POST', body: {} }))) refresh();
      } }, 'Move to DLQ'),
      h('button', { class: 'danger', id: 'delete', onclick: async () => {
        if (!await confirmAction('Delete this message for good?')) return;
        if (await act('Delete', () => api(path, { method: 'DELETE' }))) location.hash = '#/messages';
      } }, 'Delete')) : null;
    replace(body, actions,
      h('div', { class: 'kv card' }, Object.entries({ queue: m.queue, partition: m.partition, status: badge(m.status),
        created: time(m.createdAt), retries: m.retryCount, error: m.errorMessage, trace: m.traceId,
        producer: m.producerSub, encrypted: m.isEncrypted, lease: time(m.leaseExpiresAt) })
        .flatMap(([k, v]) => [h('span', { class: 'muted' }, k), h('span', {}, v == null ? '–' : typeof v === 'boolean' ? String(v) : v)])),
      h('h2', {}, 'Payload'), h('pre', { id: 'payload' }, pretty(m.payload)),
      m.consumerGroups?.length ? [h('h2', {}, 'Consumer groups'), h('ul', {}, m.consumerGroups.map(g =>
        h('li', {}, g.name, ' ', badge(g.consumed ? 'completed' : 'pending'))))] : null,
      h('h2', {}, 'Traces'),
      traces.traces.length ? h('ol', { class: 'timeline' }, traces.traces.map(t => h('li', {},
        h('strong', {}, t.event_type), ' ', h('span', { class: 'muted' }, time(t.created_at), ' · ', t.consumer_group,
          t.trace_names?.length ? ' · ' + t.trace_names.join(', ') : ''),
        h('pre', {}, pretty(t.data))))) : h('p', { class: 'muted' }, 'No traces.'));
  }
  return { refresh };
}
