// One streams query: its registration and, per source partition, its state and its group's progress.
import { api, h, num, replace, table, time, bytes, badge } from '../lib.js';

export async function render(el, name) {
  const body = h('div');
  el.append(h('h1', {}, h('a', { href: '#/streams' }, 'Streams'), ' / ', name), body);
  async function refresh() {
    const { query, partitions } = await api('/api/v1/streams/queries/' + encodeURIComponent(name));
    replace(body,
      h('div', { class: 'kv card' }, Object.entries({ 'query id': query.id,
        'consumer group': h('a', { href: '#/groups/' + encodeURIComponent(query.consumerGroup) }, query.consumerGroup),
        'config hash': query.configHash, registered: time(query.createdAt),
        state: `${num(query.stateRows)} rows, ${bytes(query.stateBytes)}` })
        .flatMap(([k, v]) => [h('span', { class: 'muted' }, k), h('span', {}, v)])),
      h('div', { id: 'stream-partitions' }, table([
        ['Queue', p => p.queue || '–'], ['Partition', p => p.partition || p.partitionId],
        ['State rows', p => num(p.stateRows), 'num'], ['State size', p => bytes(p.stateBytes), 'num'],
        ['Last state change', p => time(p.lastStateUpdate)], ['Consumed', p => num(p.messagesConsumed), 'num'],
        ['Last consumed', p => time(p.lastConsumedAt)], ['Lease', p => p.leaseActive ? badge('active') : '']],
      partitions, 'No partition has state or a cursor yet.')));
  }
  return { refresh };
}
