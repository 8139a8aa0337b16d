/** The README and docs/: short README, the two commands first, links that resolve, nothing a reader cannot see. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_GRID_SPACING } from '../../src/engine/field/field.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f));

/** GitHub's anchor of a heading. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

function anchors(text: string): Set<string> {
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
}

test('the README is at most 250 lines and starts with the two commands', () => {
  const lines = readme.split('\n');
  assert.ok(lines.length <= 250, `${lines.length} lines`);
  assert.equal(lines[0], '# blob-coverage');
  assert.match(lines.slice(0, 6).join('\n'), /```sh\nnpm ci --ignore-scripts && npm start +# .*\nnpm test +# /);
  for (const section of ['## What `npm start` shows', '## On a ROS 2 machine (Humble or Jazzy)', '## Tuning for your robots', '## Benchmarks', '## References']) {
    assert.ok(readme.includes(`\n${section}\n`), section);
  }
  assert.match(readme, /!\[[^\]]+\]\(docs\/demo\.svg\)/, 'a picture');
});

test('every relative link of the README and docs/ names a file that exists, and every anchor a heading', () => {
  const problems: string[] = [];
  for (const file of ['README.md', ...docs]) {
    const text = readFileSync(join(root, file), 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const link = m[1];
      if (/^[a-z]+:/.test(link)) continue;
      const [path, anchor] = link.split('#');
      const target = path === '' ? join(root, file) : resolve(dirname(join(root, file)), path);
      if (!existsSync(target)) {
        problems.push(`${file}: ${link} (no such file)`);
        continue;
      }
      if (anchor && target.endsWith('.md') && !anchors(readFileSync(target, 'utf8')).has(anchor)) problems.push(`${file}: ${link} (no such heading)`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the docs cite the blob-method papers and say nothing a reader cannot see', () => {
  for (const text of [readme, readFileSync(join(root, 'docs', 'method.md'), 'utf8')]) {
    assert.match(text, /Craig, K\. Elamvazhuthi, M\. Haberland, O\. Turanova, "A blob method for inhomogeneous diffusion with applications\s+to multi-agent control and sampling", \*Mathematics of Computation\* \(2023\)/);
    assert.match(text, /Carrillo, K\. Craig, F\. S\. Patacchini, "A blob method for diffusion", \*Calculus of Variations and Partial\s+Differential Equations\* \(2019\)/);
  }
  for (const file of ['README.md', 'docs/method.md', 'docs/benchmarks.md', 'docs/nodes.md', 'docs/deployment.md', 'docs/development.md', 'docs/scenarios.md', 'docs/tuning.md', 'docs/command-line.md']) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const hidden of [/this VM/i, /the design note/i, /the issue's/i, /\bhere\)/]) assert.doesNotMatch(text, hidden, `${file} says ${hidden}`);
  }
});

test('the method page gives the quadrature spacing the code uses', () => {
  const method = readFileSync(join(root, 'docs', 'method.md'), 'utf8');
  assert.equal(DEFAULT_GRID_SPACING, 0.4);
  assert.match(method, /grid spacing h = 0\.4 eps, cut-off R = 5 eps/);
  assert.doesNotMatch(method, /Defaults: grid spacing h = eps\/2/);
});
