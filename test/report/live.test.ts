import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../src/node/interface.js';
import { startLiveView } from '../../src/report/live.js';
import { loadScenario } from '../../src/scenario/load.js';
import { scenarioTarget } from '../../src/scenario/setup.js';
import { createStandalone } from '../../src/standalone/run.js';

const scenarios = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'scenarios');
const quiet = (): Logger => ({ debug() {}, info() {}, warn() {}, error() {} });

test("the live view's target switch goes through the controller's build aside; the map follows once it is in force", async () => {
  const path = join(scenarios, 'demo.yaml');
  const session = createStandalone({ scenario: loadScenario(path), scenarioPath: path, drive: 'holonomic', logger: quiet });
  const loaded: string[] = [];
  const view = await startLiveView({
    session,
    presets: [{ name: 'demo', path }, { name: 'ring', path: join(scenarios, 'ring.yaml') }],
    loadTarget: (p) => (loaded.push(p), scenarioTarget(loadScenario(p))),
    port: 0,
  });
  try {
    const state = async () => (await (await fetch(new URL('/state', view.url))).json()) as { target: string; targetStatus: string };
    await fetch(new URL('/pause', view.url), { method: 'POST', headers: { origin: new URL(view.url).origin } }); // the switch needs no simulation running
    const before = session.controller.controller.currentLaw;
    const r = await fetch(new URL('/target?name=ring', view.url), { method: 'POST', headers: { origin: new URL(view.url).origin } }); // the page's own Origin
    assert.equal(r.status, 202, 'accepted: the switch is built aside');
    assert.equal((await state()).targetStatus, 'building');
    assert.equal((await state()).target, 'demo', 'the map shows the target in force');
    await session.controller.whenSettled();
    await new Promise((done) => setImmediate(done));
    assert.deepEqual(await state(), { ...(await state()), target: 'ring', targetStatus: 'ok' });
    assert.notEqual(session.controller.controller.currentLaw, before);
    assert.equal(session.controller.controller.currentLaw.target.spec.type, 'expression');
    const png = await fetch(new URL('/target.png?name=ring', view.url));
    assert.equal(png.headers.get('content-type'), 'image/png');
    assert.ok((await png.arrayBuffer()).byteLength > 100);
    assert.deepEqual(loaded, [], "the ring's heat map is drawn from the controller's target, not read again");
    assert.equal((await fetch(new URL('/target?name=nope', view.url), { method: 'POST', headers: { origin: new URL(view.url).origin } })).status, 404);
  } finally {
    await view.close();
  }
});
