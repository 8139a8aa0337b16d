/** Browser test of the live view: robots move between two looks, pause holds them, the target switch changes the map. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Logger } from '../src/node/interface.js';
import { startLiveView } from '../src/report/live.js';
import { loadScenario } from '../src/scenario/load.js';
import { scenarioTarget } from '../src/scenario/setup.js';
import { createStandalone } from '../src/standalone/run.js';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const scenarios = join(root, 'scenarios');
const quiet = (): Logger => ({ debug() {}, info() {}, warn() {}, error() {} });
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

test('the live view shows moving robots, pauses, and switches the target', async () => {
  const path = join(scenarios, 'demo.yaml');
  const session = createStandalone({ scenario: loadScenario(path), scenarioPath: path, drive: 'holonomic', logger: quiet });
  const view = await startLiveView({
    session,
    presets: [{ name: 'demo', path }, { name: 'ring', path: join(scenarios, 'ring.yaml') }],
    loadTarget: (p) => scenarioTarget(loadScenario(p)),
    port: 0,
    speed: 4,
  });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(view.url);
    await page.waitForFunction(() => document.getElementById('map')?.dataset.marks === '100');
    const shot = () => page.$eval('#map', (c) => (c as HTMLCanvasElement).toDataURL());
    const first = await shot();
    await page.waitForTimeout(600);
    const second = await shot();
    assert.notEqual(second, first, 'the robots moved between two looks');
    await page.click('#pause');
    await page.waitForFunction(() => document.getElementById('pause')?.textContent === 'Resume');
    const t1 = await page.$eval('#map', (c) => Number((c as HTMLCanvasElement).dataset.t));
    await page.waitForTimeout(400);
    const t2 = await page.$eval('#map', (c) => Number((c as HTMLCanvasElement).dataset.t));
    assert.equal(t2, t1, 'paused: simulated time stands still');
    const before = await shot();
    await page.click('button[data-preset="ring"]');
    await page.waitForFunction(() => document.getElementById('map')?.dataset.target === 'ring');
    await page.waitForTimeout(300);
    assert.notEqual(await shot(), before, 'the heat map changed with the target');
    assert.equal(session.controller.controller.currentLaw.target.spec.type, 'expression', 'the controller follows the ring target');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await view.close();
  }
});
