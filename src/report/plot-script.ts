/**
 * The browser side of the pages' plots, as script text shared by the report and the live view: one function,
 * `drawPlot(canvas, spec)`, that draws a metric over time on axes computed by ticks.ts (linear or log; a log time
 * axis shows t = 0 at its left end, past a break), with its lines, an optional limit line, a cursor and a legend.
 * Canvas `dataset.yticks` / `dataset.xticks` list the labels drawn (for tests and screen readers' titles).
 */
export const PLOT_SCRIPT = String.raw`
function axisMap(a, from, to) {
  if (!a.log) return (v) => from + (v - a.lo) / ((a.hi - a.lo) || 1) * (to - from);
  const l0 = Math.log10(a.lo), span = (Math.log10(a.hi) - l0) || 1, gap = a.zero ? 0.07 : 0;
  return (v) => (v <= 0 ? from : from + (gap + (1 - gap) * (Math.log10(v) - l0) / span) * (to - from));
}
function drawPlot(c, spec) {
  const g = c.getContext('2d'), L = 58, R = 10, T = 22, B = 34, w = c.width - L - R, h = c.height - T - B;
  const px = axisMap(spec.x, L, L + w), py = axisMap(spec.y, T + h, T);
  g.clearRect(0, 0, c.width, c.height);
  g.font = '12px sans-serif'; g.fillStyle = '#222'; g.textAlign = 'left';
  g.fillText(spec.title + (spec.y.log ? ' (log scale)' : ''), L, 13);
  g.strokeStyle = '#999'; g.lineWidth = 1; g.strokeRect(L, T, w, h);
  g.textAlign = 'right';
  for (const k of spec.y.ticks) {
    const y = py(k.value); if (y < T - 0.5 || y > T + h + 0.5) continue;
    g.strokeStyle = '#eee'; g.beginPath(); g.moveTo(L + 1, y); g.lineTo(L + w - 1, y); g.stroke();
    g.strokeStyle = '#999'; g.beginPath(); g.moveTo(L - 4, y); g.lineTo(L, y); g.stroke();
    g.fillText(k.label, L - 6, y + 4);
  }
  g.textAlign = 'center';
  const xt = spec.x.ticks.filter((k) => px(k.value) >= L - 0.5 && px(k.value) <= L + w + 0.5);
  if (spec.x.zero) xt.unshift({ value: 0, label: '0' });
  for (const k of xt) {
    const x = px(k.value); g.strokeStyle = '#999'; g.beginPath(); g.moveTo(x, T + h); g.lineTo(x, T + h + 4); g.stroke();
    g.fillText(k.label, x, T + h + 16);
  }
  if (spec.x.zero) {
    // The break between t = 0 and the first sample of a log time axis.
    const x = L + 0.035 * w; g.fillStyle = 'white'; g.fillRect(x - 3, T + h - 4, 6, 8); g.strokeStyle = '#666';
    g.beginPath(); g.moveTo(x - 5, T + h + 4); g.lineTo(x - 1, T + h - 4); g.moveTo(x + 1, T + h + 4); g.lineTo(x + 5, T + h - 4); g.stroke(); g.fillStyle = '#222';
  }
  g.fillText(spec.xLabel + (spec.x.log ? ', log scale' : ''), L + w / 2, T + h + 30);
  g.save(); g.beginPath(); g.rect(L, T, w, h); g.clip();
  const legend = [];
  for (const line of spec.lines) {
    g.strokeStyle = line.colour; g.lineWidth = 1.5; g.setLineDash([]); g.beginPath(); let on = false;
    for (let k = 0; k < line.t.length; k++) {
      const v = line.v[k];
      if (v === null || (spec.y.log && v <= 0)) { on = false; continue; }
      const x = px(line.t[k]), y = py(v);
      if (on) g.lineTo(x, y); else { g.moveTo(x, y); on = true; }
    }
    g.stroke(); if (line.label) legend.push({ label: line.label, colour: line.colour, dash: [] });
  }
  if (spec.limit) {
    const y = py(spec.limit.value); g.strokeStyle = '#c00'; g.lineWidth = 1.5; g.setLineDash([6, 4]);
    g.beginPath(); g.moveTo(L, y); g.lineTo(L + w, y); g.stroke(); g.setLineDash([]);
    legend.push({ label: spec.limit.label, colour: '#c00', dash: [6, 4] });
  }
  if (spec.cursor !== undefined) { g.strokeStyle = '#d94801'; g.lineWidth = 1; g.beginPath(); g.moveTo(px(spec.cursor), T); g.lineTo(px(spec.cursor), T + h); g.stroke(); }
  g.restore();
  g.textAlign = 'right'; g.font = '11px sans-serif';
  legend.forEach((e, i) => {
    const y = T + 12 + 14 * i; g.fillStyle = 'rgba(255,255,255,0.8)'; g.fillRect(L + w - 8 - g.measureText(e.label).width - 26, y - 10, g.measureText(e.label).width + 30, 14);
    g.strokeStyle = e.colour; g.lineWidth = 1.5; g.setLineDash(e.dash); g.beginPath(); g.moveTo(L + w - 30 - g.measureText(e.label).width, y - 4); g.lineTo(L + w - 12 - g.measureText(e.label).width, y - 4); g.stroke(); g.setLineDash([]);
    g.fillStyle = '#222'; g.fillText(e.label, L + w - 6, y);
  });
  c.dataset.yticks = spec.y.ticks.filter((k) => py(k.value) >= T - 0.5 && py(k.value) <= T + h + 0.5).map((k) => k.label).join('|');
  c.dataset.xticks = xt.map((k) => k.label).join('|');
  c.dataset.limit = spec.limit ? String(spec.limit.value) : '';
}
`;
