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

test('the run waits for the page; the panel sets parameters through the controller node (refusals with its reason); bad requests get a 4xx and the run goes on; restart', async () => {
  const path = join(scenarios, 'demo.yaml');
  const session = createStandalone({ scenario: loadScenario(path), scenarioPath: path, drive: 'holonomic', logger: quiet });
  const view = await startLiveView({ session, presets: [{ name: 'demo', path }], loadTarget: (p) => scenarioTarget(loadScenario(p)), port: 0, speed: 4 });
  const origin = new URL(view.url).origin;
  type State = { t: number; started: boolean; history: { t: number[]; mmd2: number[] }; separationLimit: number; robotRadius: number; axes: { mmd2: { log: boolean; ticks: unknown[] } } };
  const state = async () => (await (await fetch(new URL('/state', view.url))).json()) as State;
  const until = async (ok: (s: State) => boolean, what: string) => {
    for (let k = 0; k < 400; k++) {
      const s = await state();
      if (ok(s)) return s;
      await new Promise((done) => setTimeout(done, 25));
    }
    assert.fail(`waited 10 s for ${what}`);
  };
  const post = (body: string, type = 'application/json') => fetch(new URL('/params', view.url), { method: 'POST', headers: { origin, 'content-type': type }, body });
  try {
    await new Promise((done) => setTimeout(done, 300));
    const idle = await state();
    assert.deepEqual([idle.t, idle.started], [0, false], 'nothing runs before the page is loaded');
    assert.equal(idle.history.t.length, 1, 'one sample: the start');
    assert.equal((await fetch(view.url)).status, 200);
    await until((s) => s.t > 0.5 && s.history.t.length >= 3, 'the run to start and the plots to fill');
    const panel = (await (await fetch(new URL('/params', view.url))).json()) as { params: { name: string; value: unknown }[] };
    assert.equal(panel.params.find((p) => p.name === 'max_linear_speed')?.value, 0.22);

    // Accepted: applied to the running controller.
    const ok = await post('{"max_linear_speed": 0.3, "robot_radius": 0.01}');
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { accepted: true, building: false });
    assert.equal(view.session().controller.parameters.max_linear_speed, 0.3);
    const s1 = await state();
    assert.deepEqual([s1.robotRadius, s1.separationLimit], [0.01, 2 * 0.01 + 0.005], 'the limit line follows robot_radius');
    // Refused by the controller node, with its reason; nothing changed.
    const cases: [string, string, number, RegExp][] = [
      ['{"max_linear_speed": 50}', 'application/json', 400, /parameter 'max_linear_speed' must be <= 20 m\/s, got 50/],
      ['{"no_such_parameter": 1}', 'application/json', 400, /unknown parameter 'no_such_parameter'/],
      ['{"robot_count": 3}', 'application/json', 400, /parameter 'robot_count' is read-only/],
      ['{"safety": "yes"}', 'application/json', 400, /parameter 'safety' must be true or false/],
      ['{"algorithm": "lloyd", "lloyd_gain": 50}', 'application/json', 400, /lloyd_gain .* <= rate/],
      ['{"max_linear_speed": ', 'application/json', 400, /not valid JSON/],
      ['max_linear_speed=1', 'application/x-www-form-urlencoded', 415, /application\/json/],
      [`{"max_linear_speed": ${'9'.repeat(100_000)}}`, 'application/json', 413, /larger than 8192 bytes/],
    ];
    for (const [body, type, code, says] of cases) {
      const r = await post(body, type);
      assert.equal(r.status, code, body.slice(0, 40));
      assert.match(((await r.json()) as { reason: string }).reason, says);
    }
    assert.equal(view.session().controller.parameters.max_linear_speed, 0.3, 'refusals changed nothing');
    assert.equal(view.session().controller.parameters.algorithm, 'blob');
    const before = (await state()).t;
    await until((s) => s.t > before + 0.4, 'the run to go on after the refusals');

    // Restart: time 0, robots at their start, the parameters as set.
    assert.equal((await fetch(new URL('/restart', view.url), { method: 'POST', headers: { origin } })).status, 204);
    assert.notEqual(view.session(), session);
    const fresh = view.session();
    assert.ok(fresh.clock.now() < 0.5, `t = ${fresh.clock.now()} after a restart`);
    assert.equal(fresh.controller.parameters.max_linear_speed, 0.3, 'the tuned value survives the restart');
    assert.equal((await state()).history.t[0], 0);
    await until((s) => s.t > 0.3, 'the restarted run to go');
  } finally {
    await view.close();
  }
});
