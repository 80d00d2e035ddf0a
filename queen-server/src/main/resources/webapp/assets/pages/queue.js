// One queue: configuration, partitions (searched and paged by the server), its consumer groups'
// lag; delete and clear.
import { api, h, num, replace, table, time, seconds, session, confirmAction, act, badge, qs, pager, routeParams, setRouteParams } from '../lib.js';

const LIMIT = 100;

export async function render(el, name) {
  const p = routeParams();
  const state = { search: p.get('search') || '', offset: Number(p.get('offset') || 0) };
  const body = h('div');
  const partitions = h('div');
  const actions = h('div', { class: 'bar' });
  let timer;
  const filter = h('input', { type: 'search', id: 'partition-search', placeholder: 'filter partitions…', value: state.search, oninput: () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.search = filter.value.trim(); state.offset = 0; refresh(); }, 250);
  } });
  el.append(h('h1', {}, h('a', { href: '#/queues' }, 'Queues'), ' / ', name), actions, body,
    h('h2', {}, 'Partitions'), h('div', { class: 'bar' }, filter), partitions);
  actions.append(h('a', { href: '#/messages?queue=' + encodeURIComponent(name) }, 'Browse messages'));
  if (session.can('ADMIN')) {
    actions.append(h('button', {
      id: 'clear-queue', onclick: async () => {
        if (!await confirmAction(`Delete every message of "${name}"? The queue, its settings and consumer groups stay.`)) return;
        if (await act('Clear queue', () => api(`/api/v1/queues/${encodeURIComponent(name)}/clear`, { method: 'DELETE' }))) refresh();
      },
    }, 'Clear messages…'), h('button', {
      class: 'danger', id: 'delete-queue', onclick: async () => {
        if (!await confirmAction(`Delete queue "${name}" with all its partitions, messages and consumer groups?`)) return;
        if (await act('Delete queue', () => api('/api/v1/resources/queues/' + encodeURIComponent(name), { method: 'DELETE' }))) {
          location.hash = '#/queues';
        }
      },
    }, 'Delete queue…'));
  }

  async function refresh() {
    setRouteParams({ search: state.search, offset: state.offset || '' });
    const [s, groups] = await Promise.all([
      api('/api/v1/status/queues/' + encodeURIComponent(name) + qs({ search: state.search, limit: LIMIT, offset: state.offset })),
      api('/api/v1/consumer-groups' + qs({ queue: name, limit: LIMIT })),
    ]);
    const c = s.queue.config || {};
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
      groups, 'No consumer has read this queue yet.'),
      groups.length === LIMIT ? h('p', { class: 'muted' }, `The first ${LIMIT} groups are shown; the consumer groups page searches them all.`) : null);
    replace(partitions,
      table([['Partition', p => p.name], ['Pending', p => num(p.messages.pending), 'num'],
        ['Processing', p => num(p.messages.processing), 'num'], ['Completed', p => num(p.messages.completed), 'num'],
        ['Dead letters', p => num(p.messages.deadLetter), 'num'], ['Consumed', p => num(p.cursor?.totalConsumed), 'num'],
        ['Oldest', p => time(p.oldestMessage)], ['Newest', p => time(p.newestMessage)],
        ['Last activity', p => time(p.lastActivity)]], s.partitions, 'No partitions.'),
      pager(state.offset, LIMIT, s.partitions.length, s.partitionsTotal, o => { state.offset = o; refresh(); }));
  }
  return { refresh };
}
