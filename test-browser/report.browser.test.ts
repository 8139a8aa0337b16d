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
import { reportHtml, samplesReport } from '../src/report/html.js';
import { sampleTimes } from '../src/engine/flow/simulation.js';

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

/** A report as `run` writes one: samples geometric in time over 20 s, robots of radius 1 cm, a separation limit. */
function writeRunReport(): string {
  const n = 30;
  const start = uniformInBox(n, { xmin: -0.5, xmax: 0.5, ymin: -0.5, ymax: 0.5 }, createRng(2));
  const times = Array.from(sampleTimes(20, 120));
  const samples = times.map((t, k) => ({
    t,
    positions: start.map((v) => v * (1 + 0.5 * (k / times.length))),
    energy: 10 * Math.exp(-t) + 1,
    mmd2: 0.1 * Math.exp(-t / 2) + 1e-4,
    nnMin: 0.05 + 0.01 * Math.sin(t),
  }));
  const html = samplesReport({ title: 'run', subtitle: 'geometric samples', target, robotRadius: 0.01, separationLimit: 0.03 }, samples, { name: 'mean speed', values: times.map((t) => Math.exp(-t)), log: true });
  const file = join(mkdtempSync(join(tmpdir(), 'blob-report-')), 'run.html');
  writeFileSync(file, html);
  return file;
}

test('the report explains itself: colour bar with units, legend, robots to scale, readable log ticks, log time, the separation limit, playback speed', async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const { page, errors } = await open(browser, writeRunReport());
    const bar = await page.$eval('#colorbar', (c) => (c as HTMLCanvasElement).dataset.ticks ?? '');
    assert.ok(bar.split('|').length >= 3 && bar.startsWith('0|'), `colour bar ticks ${bar}`);
    assert.match(await page.$eval('#legend', (e) => e.textContent ?? ''), /robots, radius 10 mm \(to scale\).*trails.*target density.*separation limit/s);
    // 2 m over 502 px: a 1 cm robot is 2.5 px.
    assert.ok(Math.abs(Number(await page.$eval('#map', (c) => (c as HTMLCanvasElement).dataset.robotPx)) - 0.01 / (2 / 502)) < 1e-9);
    const plots = await page.$$eval('#plots canvas', (cs) => cs.map((c) => ({ title: (c as HTMLCanvasElement).title, y: c.dataset.yticks ?? '', x: c.dataset.xticks ?? '', limit: c.dataset.limit ?? '' })));
    assert.equal(plots.length, 4);
    const mmd = plots.find((p) => p.title.startsWith('MMD'))!;
    assert.ok(mmd.y.split('|').length >= 3, `MMD^2 ticks between the ends: ${mmd.y}`);
    assert.equal(mmd.x, '0|0.01|0.1|1|10', 'log time axis, with t = 0 at its left');
    assert.equal(plots.find((p) => p.title.startsWith('minimum separation'))!.limit, '0.03');
    assert.equal(await page.$eval('#speed', (e) => (e as HTMLSelectElement).value), '1', 'real time by default');
    assert.deepEqual(await page.$$eval('#speed option', (os) => os.map((o) => o.textContent)), ['0.25x', '0.5x', '1x', '2x', '4x']);
    // Simulated seconds per second of the page's own clock, at 4x and at 0.25x.
    const rate = async (speed: string): Promise<number> => {
      await page.selectOption('#speed', speed);
      const from = await page.$eval('#map', (c) => Number((c as HTMLCanvasElement).dataset.playedTo ?? 0));
      await page.click('#play');
      await page.waitForFunction((f) => Number(document.getElementById('map')?.dataset.playedTo ?? 0) > f + 0.05, from);
      const a = await page.evaluate(() => [performance.now(), Number(document.getElementById('map')!.dataset.playedTo)]);
      await page.waitForTimeout(700);
      const b = await page.evaluate(() => [performance.now(), Number(document.getElementById('map')!.dataset.playedTo)]);
      await page.click('#play');
      return (b[1] - a[1]) / ((b[0] - a[0]) / 1000);
    };
    const fast = await rate('4');
    await page.$eval('#slider', (s) => {
      (s as HTMLInputElement).value = '0';
      s.dispatchEvent(new Event('input'));
    });
    const slow = await rate('0.25');
    console.log(`# playback: ${fast.toFixed(2)} simulated s per s at 4x, ${slow.toFixed(3)} at 0.25x`);
    assert.ok(fast > 3 && fast < 4.5, `4x played at ${fast}`);
    assert.ok(slow > 0.15 && slow < 0.3, `0.25x played at ${slow}`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
