/**
 * Browser tests of the HTML report in headless Chromium (Debian's chromium, driven by playwright-core).
 * `npm run test:browser`; .ci/run installs chromium first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { Target, createRng, uniformInBox } from '../src/engine/index.js';
import { reportHtml } from '../src/report/html.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const domain = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
const target = new Target({ type: 'expression', expr: 'exp(-((sqrt(x^2 + y^2) - 0.6)^2) / (2 * 0.1^2)) + 0.05' }, domain);

/** A report of `n` robots drifting over `frames` frames. */
function writeReport(n: number, frames: number): string {
  const start = uniformInBox(n, { xmin: -0.5, xmax: 0.5, ymin: -0.5, ymax: 0.5 }, createRng(1));
  const list = Array.from({ length: frames }, (_, k) => ({
    t: k * 0.05,
    positions: start.map((v, i) => Math.max(-1, Math.min(1, v * (1 + k / frames) + (i % 2 ? 0.1 : -0.1) * (k / frames)))),
  }));
  const html = reportHtml({
    title: `${n} robots`,
    subtitle: 'browser test',
    target,
    frames: list,
    series: [{ name: 'MMD^2', unit: '', t: list.map((f) => f.t), values: list.map((_, k) => 1 / (k + 1)), log: true }],
  });
  const file = join(mkdtempSync(join(tmpdir(), 'blob-report-')), 'report.html');
  writeFileSync(file, html);
  return file;
}

async function open(browser: Browser, file: string): Promise<{ page: Page; errors: string[]; ms: number }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  const t0 = performance.now();
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => document.getElementById('map')?.dataset.marks !== undefined);
  return { page, errors, ms: performance.now() - t0 };
}

test('the report loads without errors, draws one mark per robot, and the slider moves the robots', async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const { page, errors } = await open(browser, writeReport(50, 40));
    assert.equal(await page.$eval('#map', (c) => (c as HTMLCanvasElement).dataset.marks), '50');
    const before = await page.$eval('#map', (c) => (c as HTMLCanvasElement).toDataURL());
    await page.$eval('#slider', (s) => {
      (s as HTMLInputElement).value = '39';
      s.dispatchEvent(new Event('input'));
    });
    assert.equal(await page.$eval('#map', (c) => (c as HTMLCanvasElement).dataset.frame), '39');
    const after = await page.$eval('#map', (c) => (c as HTMLCanvasElement).toDataURL());
    assert.notEqual(after, before, 'the picture changed with the slider');
    assert.match(await page.$eval('#time', (e) => e.textContent ?? ''), /t = 1\.95 s/);
    await page.click('#play');
    await page.waitForFunction(() => document.getElementById('play')?.textContent === 'Play', undefined, { timeout: 10_000 });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a 1,000-robot, 2,000-frame report stays under 10 MB (open time printed, not asserted)', async () => {
  const file = writeReport(1000, 2000);
  const bytes = statSync(file).size;
  assert.ok(bytes < 10 * 1024 * 1024, `${bytes} bytes`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const { page, errors, ms } = await open(browser, file);
    console.log(`# 1,000 robots x 2,000 frames: ${(bytes / 1e6).toFixed(2)} MB, opened and drawn in ${ms.toFixed(0)} ms`);
    assert.equal(await page.$eval('#map', (c) => (c as HTMLCanvasElement).dataset.marks), '1000');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
