// Overview: totals now, and throughput, lag, backlog and dead letters over a chosen time range.
import { api, h, num, qs, replace, routeParams, setRouteParams } from '../lib.js';
import { timeChart } from '../chart.js';

const RANGES = [['15m', 15], ['1h', 60], ['6h', 360], ['24h', 1440], ['7d', 10080]];

export async function render(el) {
  let range = routeParams().get('range') || '1h';
  const picker = h('select', { id: 'range', onchange: () => { range = picker.value; setRouteParams({ range }); refresh(); } },
    RANGES.map(([k]) => h('option', { value: k, selected: k === range }, 'last ' + k)));
  const cards = h('div', { class: 'cards' });
  const charts = h('div', { class: 'charts' });
  el.append(h('div', { class: 'bar' }, h('h1', {}, 'Overview'), h('span', { class: 'spacer' }), picker), cards, charts);
  let span = null; // [from, to] of the last refresh, in seconds
  const win = () => span;
  const rate = timeChart(charts, 'Messages per second', ['in (pushed)', 'out (popped)'], win);
  const lag = timeChart(charts, 'Lag (ms)', ['average', 'max'], win);
  const dlq = timeChart(charts, 'Dead letters', ['in the DLQ', 'dead-lettered per bucket'], win);
  const pending = timeChart(charts, 'Backlog', ['pending', 'processing'], win);

  async function refresh() {
    const minutes = RANGES.find(r => r[0] === range)?.[1] || 60;
    const to = new Date();
    const from = new Date(to.getTime() - minutes * 60000);
    span = [from.getTime() / 1000, to.getTime() / 1000];
    // worker-metrics, not /status: the latter lists every queue (1.4 MB at 10,000 queues)
    const window = qs({ from: from.toISOString(), to: to.toISOString() });
    const [overview, metrics, depth] = await Promise.all([
      api('/api/v1/resources/overview'),
      api('/api/v1/analytics/worker-metrics' + window),
      api('/api/v1/analytics/depth' + window), // the stats job's snapshots, one a minute
    ]);
    const m = overview.messages;
    replace(cards,
      card('Queues', num(overview.queues)), card('Partitions', num(overview.partitions)),
      card('Pending', num(m.pending)), card('Processing', num(m.processing)),
      card('Completed', num(m.completed)), card('Dead letters', num(m.deadLetter)),
      card('In /s', num(overview.throughput.ingestedPerSecond)), card('Out /s', num(overview.throughput.processedPerSecond)),
      card('Max lag', overview.lag.time.max == null ? '–' : num(overview.lag.time.max) + ' s'));
    const points = metrics.timeSeries || []; // oldest first
    const t = points.map(p => new Date(p.timestamp).getTime() / 1000);
    rate.update(t, [points.map(p => p.pushPerSecond), points.map(p => p.popPerSecond)]);
    lag.update(t, [points.map(p => p.avgLagMs), points.map(p => p.maxLagMs)]);
    // the depth series and the per-bucket counts have their own times: joined on the union
    const levels = depth.timeSeries || [];
    const times = [...new Set([...t, ...levels.map(p => new Date(p.timestamp).getTime() / 1000)])].sort((a, b) => a - b);
    const at = (list, time, f) => { const p = list.find(x => new Date(x.timestamp).getTime() / 1000 === time); return p ? f(p) : null; };
    dlq.update(times, [times.map(x => at(levels, x, p => p.deadLetter)), times.map(x => at(points, x, p => p.dlqCount))]);
    const lt = levels.map(p => new Date(p.timestamp).getTime() / 1000);
    pending.update(lt, [levels.map(p => p.pending), levels.map(p => p.processing)]);
    el.dataset.points = String(points.length);
    el.dataset.depthPoints = String(levels.length);
  }
  return { refresh, dispose() { [rate, lag, dlq, pending].forEach(c => c.dispose()); } };
}

function card(k, v) { return h('div', { class: 'card' }, h('div', { class: 'k' }, k), h('div', { class: 'v' }, v)); }
