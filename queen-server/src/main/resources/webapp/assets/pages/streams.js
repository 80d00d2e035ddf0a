// Streams: the queries of the streaming SDKs, the state they keep and how far their groups have read.
import { api, h, num, replace, table, time, bytes } from '../lib.js';

export async function render(el) {
  const body = h('div');
  el.append(h('h1', {}, 'Streams'), body);
  async function refresh() {
    const { queries } = await api('/api/v1/streams/queries');
    replace(body, h('div', { id: 'streams' }, table([
      ['Query', q => h('a', { href: '#/streams/' + encodeURIComponent(q.name) }, q.name)],
      ['Source', q => h('a', { href: '#/queues/' + encodeURIComponent(q.sourceQueue) }, q.sourceQueue)],
      ['Sink', q => q.sinkQueue ? h('a', { href: '#/queues/' + encodeURIComponent(q.sinkQueue) }, q.sinkQueue) : '–'],
      ['Partitions with state', q => num(q.statePartitions), 'num'], ['State rows', q => num(q.stateRows), 'num'],
      ['State size', q => bytes(q.stateBytes), 'num'], ['Consumed', q => num(q.messagesConsumed), 'num'],
      ['Active leases', q => num(q.activeLeases), 'num'], ['Last state change', q => time(q.lastStateUpdate)],
      ['Last consumed', q => time(q.lastConsumedAt)]],
    queries, 'No streams query is registered.')));
  }
  return { refresh };
}
