// Message browser: filters are sent to the server, which pages the listing.
import { api, h, num, qs, replace, table, time, badge, pager, routeParams, setRouteParams, filterForm, isoTime } from '../lib.js';

const FIELDS = ['queue', 'partition', 'status', 'from', 'to'];

export async function render(el) {
  const p = routeParams();
  const state = Object.fromEntries(FIELDS.map(f => [f, p.get(f) || '']));
  state.offset = Number(p.get('offset') || 0);
  state.limit = 50;
  const inputs = {
    queue: h('input', { name: 'queue', placeholder: 'queue', value: state.queue }),
    partition: h('input', { name: 'partition', placeholder: 'partition', value: state.partition }),
    status: h('select', { name: 'status' }, ['', 'pending', 'processing', 'completed', 'dead_letter']
      .map(s => h('option', { value: s, selected: s === state.status }, s || 'any status'))),
    from: h('input', { name: 'from', type: 'datetime-local', value: state.from }),
    to: h('input', { name: 'to', type: 'datetime-local', value: state.to }),
  };
  const body = h('div');
  el.append(h('h1', {}, 'Messages'), filterForm(inputs, state, () => refresh()),
    h('p', { class: 'muted' }, 'Without a time range the last hour is shown.'), body);

  async function refresh() {
    setRouteParams({ ...Object.fromEntries(FIELDS.map(f => [f, state[f]])), offset: state.offset || '' });
    const r = await api('/api/v1/messages' + qs({ queue: state.queue, partition: state.partition, status: state.status,
      from: isoTime(state.from), to: isoTime(state.to), limit: state.limit, offset: state.offset }));
    replace(body, table([
      ['Transaction', m => h('a', { href: `#/messages/${m.partitionId}/${encodeURIComponent(m.transactionId)}` }, m.transactionId)],
      ['Queue', m => m.queue], ['Partition', m => m.partition], ['Status', m => badge(m.status)],
      ['Created', m => time(m.createdAt)], ['Trace', m => m.traceId || '']], r.messages, 'No messages match.'),
    pager(state.offset, state.limit, r.messages.length, undefined, o => { state.offset = o; refresh(); }));
    el.dataset.count = num(r.messages.length);
  }
  return { refresh };
}
