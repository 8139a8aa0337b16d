import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { ObstacleMap, Target, createRng, uniformInBox } from '../../src/engine/index.js';
import { swarmSvg } from '../../src/report/svg.js';

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
  assert.equal((svg.match(/<line /g) ?? []).length, 7, 'four edges of the square, three of the triangle');
  // The heat map pixel at the square's centre (1.5, 1.5) is the obstacle grey, one in the free space is not.
  const png = PNG.sync.read(Buffer.from(svg.match(/base64,([^"]+)"/)![1], 'base64'));
  const pixel = (x: number, y: number) => {
    const k = 4 * ((png.height - 1 - Math.floor(y * 10)) * png.width + Math.floor(x * 10));
    return [png.data[k], png.data[k + 1], png.data[k + 2]];
  };
  assert.deepEqual(pixel(1.5, 1.5), [90, 90, 90]);
  assert.notDeepEqual(pixel(0.5, 3.5), [90, 90, 90]);
});
