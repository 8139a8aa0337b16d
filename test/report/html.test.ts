import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Target, createRng, uniformInBox } from '../../src/engine/index.js';
import { decodeFrames, packFrames, reportHtml, samplesReport } from '../../src/report/html.js';

const domain = { xmin: -1, xmax: 1, ymin: -2, ymax: 2 };
const target = new Target({ type: 'mixture', components: [{ type: 'uniform', weight: 1 }] }, domain);

test('frames pack (16 bits, deltas, deflate) and decode back within the quantum', () => {
  const frames = [0, 1, 2].map((k) => ({ t: k, positions: uniformInBox(5, domain, createRng(k)) }));
  const q = decodeFrames(packFrames(frames, domain), 10);
  assert.equal(q.length, 3 * 10);
  frames.forEach((f, k) => {
    for (let i = 0; i < 10; i += 2) {
      assert.ok(Math.abs(domain.xmin + (q[k * 10 + i] / 65535) * 2 - f.positions[i]) <= 2 / 65535);
      assert.ok(Math.abs(domain.ymin + (q[k * 10 + i + 1] / 65535) * 4 - f.positions[i + 1]) <= 4 / 65535);
    }
  });
});

test('the report is one offline HTML file carrying the frames, the series and a heat map', () => {
  const frames = [0, 1].map((k) => ({ t: k, positions: uniformInBox(7, domain, createRng(k)) }));
  const html = reportHtml({
    title: 'a <test>',
    subtitle: 'sub',
    target,
    frames,
    series: [{ name: 'MMD^2', unit: '', t: [0, 1], values: [1, Number.NaN], log: true }],
  });
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<title>a &lt;test&gt;<\/title>/);
  assert.ok(!/(src|href)="https?:/.test(html), 'nothing is fetched');
  assert.match(html, /src="data:image\/png;base64,/);
  const json = JSON.parse(/<script id="data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]);
  assert.equal(json.robots, 7);
  assert.deepEqual(json.times, [0, 1]);
  assert.deepEqual(json.plots[0].lines[0].v, [1, null], 'non-finite values become gaps');
});

test('the report carries a colour bar in robots per m^2, round map ticks, the separation limit and a log time axis for geometric samples', () => {
  const times = [0, 0.002, 0.02, 0.2, 2, 20];
  const samples = times.map((t, k) => ({ t, positions: uniformInBox(8, domain, createRng(k)), energy: 10 / (k + 1), mmd2: 0.1 / (k + 1), nnMin: 0.05 + k * 0.001 }));
  const html = samplesReport({ title: 't', subtitle: 's', target, robotRadius: 0.01, separationLimit: 0.03 }, samples, { name: 'mean speed', values: times.map(() => 0.1) });
  const json = JSON.parse(/<script id="data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]);
  // Uniform over 2 m x 4 m: 1/8 per m^2; 8 robots ask for 1 per m^2.
  assert.ok(Math.abs(json.colourbar.top - 1) < 1e-9, `peak ${json.colourbar.top} robots per m^2`);
  assert.deepEqual(json.mapTicks.x.map((k: { label: string }) => k.label), ['-1', '-0.5', '0', '0.5', '1']);
  assert.equal(json.robotRadius, 0.01);
  const [energy, , separation] = json.plots;
  assert.deepEqual([energy.x.log, energy.x.zero], [true, true], 'geometric samples: log time, t = 0 shown');
  assert.deepEqual(energy.x.ticks.map((k: { label: string }) => k.label), ['0.01', '0.1', '1', '10']);
  assert.ok(energy.y.log && energy.y.ticks.length >= 2);
  assert.deepEqual(separation.limit, { value: 0.03, label: 'limit: 2 radius + clearance = 0.03 m' });
  assert.ok(separation.y.lo <= 0.03, 'the limit is in the plotted range');
  assert.match(html, /<select id="speed"[^>]*>(<option[^>]*>[^<]*<\/option>){5}<\/select>/);
  assert.match(html, /<option value="1" selected>1x<\/option>/, 'real time by default');
  assert.match(html, /data-item="limit"/, 'the legend names the limit line');
});
