// Dead letters: filtered and paged by the server; retry or delete one or many.
import { api, h, qs, replace, table, time, session, confirmAction, toast, pager, routeParams, setRouteParams, filterForm, isoTime } from '../lib.js';

const LIMIT = 50;
const FIELDS = ['queue', 'consumerGroup', 'partition', 'from', 'to'];

export async function render(el) {
  const p = routeParams();
  const state = Object.fromEntries(FIELDS.map(f => [f, p.get(f) || '']));
  state.offset = Number(p.get('offset') || 0);
  const inputs = {
    queue: h('input', { name: 'queue', placeholder: 'queue', value: state.queue }),
    consumerGroup: h('input', { name: 'consumerGroup', placeholder: 'consumer group', value: state.consumerGroup }),
    partition: h('input', { name: 'partition', placeholder: 'partition', value: state.partition }),
    from: h('input', { name: 'from', type: 'datetime-local', title: 'failed at or after', value: state.from }),
    to: h('input', { name: 'to', type: 'datetime-local', title: 'failed at or before', value: state.to }),
  };
  const selected = new Map();
  const body = h('div');
  const bulk = h('div', { class: 'bar' });
  el.append(h('h1', {}, 'Dead letters'), filterForm(inputs, state, () => refresh()), bulk, body);

  const key = m => m.partitionId + '/' + m.transactionId;
  const msgPath = m => `/api/v1/messages/${m.partitionId}/${encodeURIComponent(m.transactionId)}`;

  async function bulkRun(label, fn) {
    const items = [...selected.values()];
    if (!items.length || !await confirmAction(`${label} ${items.length} dead letter(s)?`)) return;
    let ok = 0;
    for (const m of items) {
      try { await fn(m); ok++; } catch (e) { toast(`${label} ${m.transactionId}: ${e.message}`, true); }
    }
    toast(`${label}: ${ok} of ${items.length} done`);
    selected.clear();
    await refresh();
  }

  function renderBulk() {
    replace(bulk, session.can('READ_WRITE') ? [
      h('span', { class: 'muted' }, `${selected.size} selected`),
      h('button', { id: 'retry-selected', disabled: !selected.size, onclick: () => bulkRun('Retry', m => api(msgPath(m) + '/retry', { method: 'POST' })) }, 'Retry selected'),
      h('button', { class: 'danger', id: 'delete-selected', disabled: !selected.size, onclick: () => bulkRun('Delete', m => api(msgPath(m), { method: 'DELETE' })) }, 'Delete selected'),
    ] : []);
  }

  async function refresh() {
    setRouteParams({ ...Object.fromEntries(FIELDS.map(f => [f, state[f]])), offset: state.offset || '' });
    const r = await api('/api/v1/dlq' + qs({ queue: state.queue, consumerGroup: state.consumerGroup, partition: state.partition,
      from: isoTime(state.from), to: isoTime(state.to), limit: LIMIT, offset: state.offset }));
    const present = new Set(r.messages.map(key));
    for (const k of [...selected.keys()]) if (!present.has(k)) selected.delete(k);
    const pick = m => h('input', { type: 'checkbox', class: 'pick', checked: selected.has(key(m)), onchange: ev => {
      if (ev.target.checked) selected.set(key(m), m); else selected.delete(key(m));
      renderBulk();
    } });
    const columns = [['Transaction', m => h('a', { href: `#/messages/${m.partitionId}/${encodeURIComponent(m.transactionId)}` }, m.transactionId)],
      ['Queue', m => m.queue], ['Partition', m => m.partition], ['Group', m => m.consumerGroup],
      ['Error', m => m.errorMessage || ''], ['Retries', m => m.retryCount, 'num'], ['Failed', m => time(m.failedAt)]];
    if (session.can('READ_WRITE')) columns.unshift(['', pick]);
    replace(body, table(columns, r.messages, 'No dead letters.'),
      pager(state.offset, LIMIT, r.messages.length, r.total, o => { state.offset = o; refresh(); }));
    renderBulk();
  }
  return { refresh };
}
