// One consumer group: lag per partition of each queue it reads; seek to a time or the end; delete.
import { api, h, num, replace, table, time, seconds, session, confirmAction, act, badge } from '../lib.js';

export async function render(el, group) {
  const g = encodeURIComponent(group);
  const body = h('div');
  const actions = h('div', { class: 'bar' });
  el.append(h('h1', {}, h('a', { href: '#/groups' }, 'Consumer groups'), ' / ', group), actions, body);
  if (session.can('ADMIN')) {
    actions.append(h('button', { class: 'danger', id: 'delete-group', onclick: async () => {
      if (!await confirmAction(`Delete consumer group "${group}" on every queue?`)) return;
      if (await act('Delete group', () => api(`/api/v1/consumer-groups/${g}?deleteMetadata=true`, { method: 'DELETE' }))) location.hash = '#/groups';
    } }, 'Delete group…'));
  }

  async function refresh() {
    const queues = await api('/api/v1/consumer-groups/' + g);
    const names = Object.keys(queues);
    replace(body, names.length ? names.map(q => section(q, queues[q].partitions)) : h('p', { class: 'muted' }, 'This group reads no queue.'));
  }

  function section(queue, partitions) {
    const qn = encodeURIComponent(queue);
    const when = h('input', { type: 'datetime-local', step: 1, class: 'seek-time' });
    const seek = body => act('Seek ' + queue, () => api(`/api/v1/consumer-groups/${g}/queues/${qn}/seek`, { method: 'POST', body })).then(refresh);
    const controls = session.can('READ_WRITE') ? h('div', { class: 'bar' },
      'Seek: ', when,
      h('button', { class: 'seek-time-go', onclick: async () => {
        if (!when.value) return;
        const ts = new Date(when.value).toISOString();
        if (await confirmAction(`Move "${group}" on "${queue}" to ${ts}? Messages after it are read again.`)) seek({ timestamp: ts });
      } }, 'to time'),
      h('button', { class: 'seek-end', onclick: async () => {
        if (await confirmAction(`Move "${group}" on "${queue}" to the end? Unread messages are skipped.`)) seek({ toEnd: true });
      } }, 'to end'),
      session.can('ADMIN') ? h('button', { class: 'danger', onclick: async () => {
        if (!await confirmAction(`Delete "${group}" on "${queue}"?`)) return;
        await act('Delete', () => api(`/api/v1/consumer-groups/${g}/queues/${qn}?deleteMetadata=true`, { method: 'DELETE' }));
        refresh();
      } }, 'delete on this queue') : null) : null;
    return h('section', { 'data-queue': queue },
      h('h2', {}, h('a', { href: '#/queues/' + qn }, queue)), controls,
      table([['Partition', p => p.partition], ['Offset lag', p => num(p.offsetLag), 'num'],
        ['Time lag', p => seconds(p.timeLagSeconds), 'num'], ['Consumed', p => num(p.totalConsumed), 'num'],
        ['Last consumed', p => time(p.lastConsumedAt)], ['Lease', p => p.leaseActive ? badge('active') : '']],
      partitions, 'No partitions.'));
  }
  return { refresh };
}
