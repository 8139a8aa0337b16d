import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Target, createRng, uniformInBox } from '../../src/engine/index.js';
import { decodeFrames, packFrames, reportHtml } from '../../src/report/html.js';

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
  assert.deepEqual(json.series[0].v, [1, null], 'non-finite values become gaps');
});
