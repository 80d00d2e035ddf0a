// Overview: totals now, and throughput, lag and dead letters over a chosen time range.
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
  const dlq = timeChart(charts, 'Dead letters per bucket', ['dead-lettered'], win);
  const pending = timeChart(charts, 'Pending (sampled while open)', ['pending', 'processing'], win);
  const samples = [[], [], []];

  async function refresh() {
    const minutes = RANGES.find(r => r[0] === range)?.[1] || 60;
    const to = new Date();
    const from = new Date(to.getTime() - minutes * 60000);
    span = [from.getTime() / 1000, to.getTime() / 1000];
    // worker-metrics, not /status: the latter lists every queue (1.4 MB at 10,000 queues)
    const [overview, metrics] = await Promise.all([
      api('/api/v1/resources/overview'),
      api('/api/v1/analytics/worker-metrics' + qs({ from: from.toISOString(), to: to.toISOString() })),
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
    dlq.update(t, [points.map(p => p.dlqCount)]);
    samples[0].push(Date.now() / 1000); samples[1].push(m.pending); samples[2].push(m.processing);
    if (samples[0].length > 720) samples.forEach(s => s.shift());
    pending.update(samples[0], [samples[1], samples[2]]);
    el.dataset.points = String(points.length);
  }
  return { refresh, dispose() { [rate, lag, dlq, pending].forEach(c => c.dispose()); } };
}

function card(k, v) { return h('div', { class: 'card' }, h('div', { class: 'k' }, k), h('div', { class: 'v' }, v)); }
