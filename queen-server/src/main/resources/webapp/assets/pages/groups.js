// Consumer groups: every (group, queue) pair with its state and lag.
import { api, h, num, replace, table, seconds, badge, pager } from '../lib.js';

const LIMIT = 100;

export async function render(el) {
  const state = { filter: '', offset: 0 };
  const filter = h('input', { type: 'search', placeholder: 'filter by group or queue…', oninput: () => {
    state.filter = filter.value.trim().toLowerCase(); state.offset = 0; refresh();
  } });
  const body = h('div');
  el.append(h('h1', {}, 'Consumer groups'), h('div', { class: 'bar' }, filter), body);
  let all = [];
  async function refresh(fetch = true) {
    if (fetch !== false) all = await api('/api/v1/consumer-groups');
    const rows = all.filter(g => !state.filter || g.name.toLowerCase().includes(state.filter)
      || (g.queueName || '').toLowerCase().includes(state.filter));
    const page = rows.slice(state.offset, state.offset + LIMIT);
    replace(body, table([
      ['Group', g => h('a', { href: '#/groups/' + encodeURIComponent(g.name) }, g.name)],
      ['Queue', g => h('a', { href: '#/queues/' + encodeURIComponent(g.queueName) }, g.queueName)],
      ['State', g => badge(g.state)], ['Partitions', g => num(g.members), 'num'],
      ['Lagging partitions', g => num(g.partitionsWithLag), 'num'], ['Max lag', g => seconds(g.maxTimeLag), 'num'],
      ['Subscription', g => g.subscriptionMode || '']], page, 'No consumer groups.'),
    pager(state.offset, LIMIT, page.length, rows.length, o => { state.offset = o; refresh(false); }));
  }
  return { refresh };
}
