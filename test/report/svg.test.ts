import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Target, createRng, uniformInBox } from '../../src/engine/index.js';
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
