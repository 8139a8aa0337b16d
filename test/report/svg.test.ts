import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { ObstacleMap, Target, createRng, uniformInBox } from '../../src/engine/index.js';
import { MIN_ROBOT_PX, swarmSvg } from '../../src/report/svg.js';

test('the still picture is well-formed SVG with one dot per robot, a heat map and labelled axes', () => {
  const domain = { xmin: 0, xmax: 4, ymin: 0, ymax: 1 };
  const target = new Target({ type: 'expression', expr: '0.2 + x' }, domain);
  const p = uniformInBox(37, domain, createRng(1));
  const svg = swarmSvg(target, p, { title: 'a <strip> & robots', initial: uniformInBox(37, domain, createRng(2)) });
  const file = join(mkdtempSync(join(tmpdir(), 'blob-svg-')), 'a.svg');
  writeFileSync(file, svg);
  const script = 'import sys, xml.dom.minidom as m\nd = m.parse(sys.argv[1])\ngs = {g.getAttribute("class"): len(g.getElementsByTagName("circle")) for g in d.getElementsByTagName("g")}\nprint(gs.get("robots"), gs.get("start"), len(d.getElementsByTagName("image")), d.documentElement.getAttribute("height"))';
  const r = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [robots, start, images, height] = r.stdout.trim().split(' ');
  assert.equal(robots, '37');
  assert.equal(start, '37');
  assert.equal(images, '1');
  assert.ok(Number(height) < 300, `a 4 m x 1 m strip is drawn wide, not square (height ${height})`);
  assert.match(svg, /x \(m\)/);
  assert.match(svg, /a &lt;strip&gt; &amp; robots/);
  assert.ok(svg.length < 40_000, `${svg.length} bytes`);
});

test('obstacles are drawn: polygons filled, every edge outlined, their cells grey in the heat map', () => {
  const domain = { xmin: 0, xmax: 4, ymin: 0, ymax: 4 };
  const obstacles = new ObstacleMap([[[1, 1], [2, 1], [2, 2], [1, 2]], [[3, 3], [3.5, 3], [3.2, 3.6]]]);
  const target = new Target({ type: 'mixture', components: [{ type: 'uniform', weight: 1 }] }, domain, { obstacles });
  const svg = swarmSvg(target, Float64Array.of(0.5, 0.5), { cells: 40 });
  assert.equal((svg.match(/<polygon class="obstacle"/g) ?? []).length, 2);
  const outlines = /<g stroke="#333" stroke-width="1.5" class="obstacles">(.*?)<\/g>/s.exec(svg)![1];
  assert.equal((outlines.match(/<line /g) ?? []).length, 7, 'four edges of the square, three of the triangle');
  assert.match(/<g class="legend">.*?<\/g>/s.exec(svg)![0], /obstacles/, 'the legend names the obstacles');
  // The heat map pixel at the square's centre (1.5, 1.5) is the obstacle grey, one in the free space is not.
  const png = PNG.sync.read(Buffer.from(svg.match(/base64,([^"]+)"/)![1], 'base64'));
  const pixel = (x: number, y: number) => {
    const k = 4 * ((png.height - 1 - Math.floor(y * 10)) * png.width + Math.floor(x * 10));
    return [png.data[k], png.data[k + 1], png.data[k + 2]];
  };
  assert.deepEqual(pixel(1.5, 1.5), [90, 90, 90]);
  assert.notDeepEqual(pixel(0.5, 3.5), [90, 90, 90]);
});

test('the colour bar is in robots per square metre (N x the normalized density), with round ticks', () => {
  // Uniform density over 2 m x 2 m: 1/4 per m^2; 40 robots ask for 10 per m^2 everywhere.
  const domain = { xmin: 0, xmax: 2, ymin: 0, ymax: 2 };
  const target = new Target({ type: 'mixture', components: [{ type: 'uniform', weight: 1 }] }, domain);
  const svg = swarmSvg(target, uniformInBox(40, domain, createRng(3)));
  const bar = /<g class="colorbar">(.*?)<\/g>/s.exec(svg)![1];
  assert.match(bar, /robots per m² \(40 × density\)/);
  const labels = [...bar.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).slice(0, -1);
  assert.deepEqual(labels, ['0', '2', '4', '6', '8', '10'], 'ticks from 0 to the peak, 10 robots per m^2');
});

test('robots are drawn at their radius, never below the minimum visible size, and the legend says which', () => {
  const domain = { xmin: 0, xmax: 1, ymin: 0, ymax: 1 };
  const target = new Target({ type: 'mixture', components: [{ type: 'uniform', weight: 1 }] }, domain);
  const p = Float64Array.of(0.5, 0.5);
  const radius = (svg: string) => Number(/<g fill="[^"]*" class="robots">\s*<circle [^>]*r="([0-9.]+)"/.exec(svg)![1]);
  const legend = (svg: string) => /<g class="legend">(.*?)<\/g>/s.exec(svg)![1];
  // 640 px wide, plot 488 px for 1 m: a 0.05 m robot is 24.4 px.
  const big = swarmSvg(target, p, { robotRadius: 0.05 });
  assert.ok(Math.abs(radius(big) - 0.05 * 488) < 0.01, `radius ${radius(big)} px`);
  assert.match(legend(big), /radius 50 mm \(to scale\)/);
  const tiny = swarmSvg(target, p, { robotRadius: 0.001 });
  assert.equal(radius(tiny), MIN_ROBOT_PX);
  assert.match(legend(tiny), /radius 1 mm \(drawn at 2 px: 0\.5 px to scale\)/);
  assert.match(legend(swarmSvg(target, p)), /no radius given/);
});
