// Consumer groups: every (group, queue) pair with its state and lag; the server filters and pages.
import { api, h, num, qs, replace, table, seconds, badge, pager, routeParams, setRouteParams } from '../lib.js';

const LIMIT = 100;

export async function render(el) {
  const p = routeParams();
  const state = { search: p.get('search') || '', offset: Number(p.get('offset') || 0) };
  let timer;
  const filter = h('input', { type: 'search', placeholder: 'filter by group or queue…', value: state.search, oninput: () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.search = filter.value.trim(); state.offset = 0; refresh(); }, 250);
  } });
  const body = h('div');
  el.append(h('h1', {}, 'Consumer groups'), h('div', { class: 'bar' }, filter), body);
  async function refresh() {
    setRouteParams({ search: state.search, offset: state.offset || '' });
    const page = await api('/api/v1/consumer-groups' + qs({ search: state.search, limit: LIMIT, offset: state.offset }));
    replace(body, table([
      ['Group', g => h('a', { href: '#/groups/' + encodeURIComponent(g.name) }, g.name)],
      ['Queue', g => h('a', { href: '#/queues/' + encodeURIComponent(g.queueName) }, g.queueName)],
      ['State', g => badge(g.state)], ['Partitions', g => num(g.members), 'num'],
      ['Lagging partitions', g => num(g.partitionsWithLag), 'num'], ['Offset lag', g => num(g.totalLag), 'num'],
      ['Max time lag', g => seconds(g.maxTimeLag), 'num'], ['Subscription', g => g.subscriptionMode || '']],
    page, 'No consumer groups.'),
    pager(state.offset, LIMIT, page.length, undefined, o => { state.offset = o; refresh(); }));
  }
  return { refresh };
}
