// One queue: configuration, partitions, its consumer groups' lag; delete and clear.
import { api, h, num, replace, table, time, seconds, session, confirmAction, act, badge, qs, toast } from '../lib.js';

export async function render(el, name) {
  const body = h('div');
  const actions = h('div', { class: 'bar' });
  el.append(h('h1', {}, h('a', { href: '#/queues' }, 'Queues'), ' / ', name), actions, body);
  if (session.can('READ_WRITE')) {
    actions.append(h('a', { href: '#/messages?queue=' + encodeURIComponent(name) }, 'Browse messages'),
      h('button', { id: 'clear-queue', onclick: () => clear(name) }, 'Clear messages…'));
  }
  if (session.can('ADMIN')) {
    actions.append(h('button', {
      class: 'danger', id: 'delete-queue', onclick: async () => {
        if (!await confirmAction(`Delete queue "${name}" with all its partitions, messages and consumer groups?`)) return;
        if (await act('Delete queue', () => api('/api/v1/resources/queues/' + encodeURIComponent(name), { method: 'DELETE' }))) {
          location.hash = '#/queues';
        }
      },
    }, 'Delete queue…'));
  }

  async function refresh() {
    const [s, groups] = await Promise.all([
      api('/api/v1/status/queues/' + encodeURIComponent(name)),
      api('/api/v1/consumer-groups?queue=' + encodeURIComponent(name)),
    ]);
    const c = s.queue.config || {};
    const mine = groups;
    replace(body,
      h('div', { class: 'cards' },
        ['total', 'pending', 'processing', 'completed', 'deadLetter'].map(k =>
          h('div', { class: 'card' }, h('div', { class: 'k' }, k), h('div', { class: 'v' }, num(s.totals[k]))))),
      h('h2', {}, 'Configuration'),
      h('div', { class: 'kv card' }, Object.entries({ namespace: s.queue.namespace, task: s.queue.task,
        priority: s.queue.priority, created: time(s.queue.createdAt), ...c })
        .flatMap(([k, v]) => [h('span', { class: 'muted' }, k), h('span', {}, v == null ? '–' : String(v))])),
      h('h2', {}, 'Consumer groups'),
      table([['Group', g => h('a', { href: '#/groups/' + encodeURIComponent(g.name) }, g.name)],
        ['State', g => badge(g.state)], ['Partitions', g => num(g.members), 'num'],
        ['Lagging partitions', g => num(g.partitionsWithLag), 'num'], ['Max lag', g => seconds(g.maxTimeLag), 'num']],
      mine, 'No consumer has read this queue yet.'),
      h('h2', {}, `Partitions (${s.partitions.length})`),
      table([['Partition', p => p.name], ['Pending', p => num(p.messages.pending), 'num'],
        ['Processing', p => num(p.messages.processing), 'num'], ['Completed', p => num(p.messages.completed), 'num'],
        ['Dead letters', p => num(p.messages.deadLetter), 'num'], ['Consumed', p => num(p.cursor?.totalConsumed), 'num'],
        ['Oldest', p => time(p.oldestMessage)], ['Newest', p => time(p.newestMessage)],
        ['Last activity', p => time(p.lastActivity)]], s.partitions.slice(0, 500), 'No partitions yet.'),
      s.partitions.length > 500 ? h('p', { class: 'muted' }, 'The first 500 partitions are shown.') : null);
  }
  return { refresh };
}

/** There is no bulk call: message by message, like `queen queue clear`. */
async function clear(name) {
  if (!await confirmAction(`Delete every message of "${name}"? The queue and its settings stay.`)) return;
  let deleted = 0;
  for (;;) {
    const r = await api('/api/v1/messages' + qs({ queue: name, from: '1970-01-01T00:00:00Z', to: new Date(Date.now() + 60000).toISOString(), limit: 200 }));
    if (!r.messages.length) break;
    for (const m of r.messages) {
      await api(`/api/v1/messages/${m.partitionId}/${encodeURIComponent(m.transactionId)}`, { method: 'DELETE' });
      deleted++;
    }
  }
  toast(`Cleared ${deleted} messages from ${name}`);
}
