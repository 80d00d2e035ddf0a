// Queues: server-side search, sort and paging (10,000 queues stay quick).
import { api, h, num, qs, replace, routeParams, setRouteParams, time, pager } from '../lib.js';

const LIMIT = 50;
const COLUMNS = [['name', 'Queue'], ['namespace', 'Namespace'], ['partitions', 'Partitions'], ['pending', 'Pending'],
  ['processing', 'Processing'], ['total', 'Total'], ['createdAt', 'Created']];

export async function render(el) {
  const p = routeParams();
  const state = { search: p.get('search') || '', sort: p.get('sort') || '', offset: Number(p.get('offset') || 0) };
  const search = h('input', { type: 'search', id: 'queue-search', placeholder: 'search queues…', value: state.search });
  let timer;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.search = search.value.trim(); state.offset = 0; refresh(); }, 250);
  });
  const body = h('div');
  el.append(h('h1', {}, 'Queues'), h('div', { class: 'bar' }, search), body);

  function sortBy(column) {
    state.sort = state.sort === column ? '-' + column : column;
    state.offset = 0;
    refresh();
  }

  async function refresh() {
    setRouteParams({ search: state.search, sort: state.sort, offset: state.offset || '' });
    const r = await api('/api/v1/status/queues' + qs({ search: state.search, sort: state.sort, limit: LIMIT, offset: state.offset }));
    const arrow = c => state.sort === c ? ' ▲' : state.sort === '-' + c ? ' ▼' : '';
    const head = h('tr', {}, COLUMNS.map(([c, label]) => h('th', {
      class: 'sortable' + (['partitions', 'pending', 'processing', 'total'].includes(c) ? ' num' : ''),
      onclick: () => sortBy(c),
    }, label + arrow(c))));
    const rows = r.queues.map(q => h('tr', {},
      h('td', {}, h('a', { href: '#/queues/' + encodeURIComponent(q.name) }, q.name)),
      h('td', {}, q.namespace || ''), h('td', { class: 'num' }, num(q.partitions)),
      h('td', { class: 'num' }, num(q.messages.pending)), h('td', { class: 'num' }, num(q.messages.processing)),
      h('td', { class: 'num' }, num(q.messages.total)), h('td', {}, time(q.createdAt))));
    replace(body,
      r.queues.length ? h('table', { id: 'queues' }, h('thead', {}, head), h('tbody', {}, rows))
        : h('p', { class: 'muted' }, state.search ? 'No queue matches.' : 'No queues yet.'),
      pager(state.offset, LIMIT, r.queues.length, r.total, o => { state.offset = o; refresh(); }));
  }
  return { refresh };
}

