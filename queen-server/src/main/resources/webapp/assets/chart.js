// A time-series chart on uPlot (from its WebJar, loaded by index.html as window.uPlot).
import { h } from './lib.js';

const COLORS = ['#5b3cc4', '#1e8e5a', '#c0392b', '#b7791f', '#2b7bb9'];

/**
 * A card with a chart of `names` over time; update(times in seconds, [values per series]).
 * `xRange()` gives the x range [from, to] in seconds, so every chart shows the chosen period.
 */
export function timeChart(parent, title, names, xRange) {
  const box = h('div', { class: 'chart', 'data-chart': title });
  parent.append(box);
  box.append(h('h3', {}, title));
  const area = h('div');
  box.append(area);
  let plot = null;
  const width = () => Math.max(300, box.clientWidth - 16);
  const resize = () => plot && plot.setSize({ width: width(), height: 200 });
  window.addEventListener('resize', resize);
  return {
    update(times, series) {
      const data = [times, ...series];
      if (!plot) {
        plot = new window.uPlot({
          width: width(), height: 200,
          // uPlot's default point markers: drawn while points are sparse, so a period with
          // traffic in a single minute still shows (a lone point has no line to draw)
          series: [{}, ...names.map((n, i) => ({ label: n, stroke: COLORS[i % COLORS.length], width: 2 }))],
          axes: [{}, { size: 60 }],
          scales: { x: { time: true, range: (u, min, max) => (xRange && xRange()) || [min, max] }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
        }, data, area);
      } else {
        plot.setData(data);
      }
    },
    dispose() { window.removeEventListener('resize', resize); if (plot) plot.destroy(); },
  };
}
