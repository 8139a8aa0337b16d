/**
 * Hostile requests to the live view (finding 4): a foreign Host (DNS rebinding) reads nothing, a foreign or missing
 * Origin changes nothing, state changes are POST only, and a flood of image names keeps the heat-map cache bounded.
 * One row per request.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Logger } from '../../src/node/interface.js';
import { HEAT_CACHE_SIZE, startLiveView } from '../../src/report/live.js';
import type { LiveView } from '../../src/report/live.js';
import { loadScenario } from '../../src/scenario/load.js';
import { scenarioTarget } from '../../src/scenario/setup.js';
import { createStandalone } from '../../src/standalone/run.js';
import type { StandaloneSession } from '../../src/standalone/run.js';
import { ROOT } from './harness.js';

const quiet = (): Logger => ({ debug() {}, info() {}, warn() {}, error() {} });
const demo = join(ROOT, 'scenarios', 'public-s1.yaml');
let view: LiveView;
let session: StandaloneSession;
let port = 0;

before(async () => {
  session = createStandalone({ scenario: loadScenario(demo), scenarioPath: demo, drive: 'holonomic', logger: quiet });
  view = await startLiveView({ session, presets: [{ name: 'public-s1', path: demo }, { name: 'other', path: demo }], loadTarget: (p) => scenarioTarget(loadScenario(p)), port: 0 });
  port = Number(new URL(view.url).port);
});
after(() => view.close());

/** One HTTP request with the headers given exactly (Node's client would add a Host of its own otherwise). */
function send(method: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, setHost: false, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

const own = () => ({ host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` });

interface RequestCase {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly headers: () => Record<string, string>;
  readonly status: number;
}

const CASES: readonly RequestCase[] = [
  { name: 'DNS rebinding reads the robots', method: 'GET', path: '/state', headers: () => ({ host: `evil.example:${port}` }), status: 403 },
  { name: 'DNS rebinding reads the page', method: 'GET', path: '/', headers: () => ({ host: 'evil.example' }), status: 403 },
  // Node's HTTP server answers an HTTP/1.1 request without Host with 400 before the handler sees it.
  { name: 'no Host at all', method: 'GET', path: '/state', headers: () => ({}), status: 400 },
  { name: 'the right name on another port', method: 'GET', path: '/state', headers: () => ({ host: `localhost:${port + 1}` }), status: 403 },
  { name: 'a foreign page pauses the run', method: 'POST', path: '/pause', headers: () => ({ ...own(), origin: 'http://evil.example' }), status: 403 },
  { name: 'a foreign page switches the target', method: 'POST', path: '/target?name=other', headers: () => ({ ...own(), origin: 'http://evil.example' }), status: 403 },
  { name: 'a POST without an Origin', method: 'POST', path: '/pause', headers: () => ({ host: own().host }), status: 403 },
  { name: 'a null Origin (sandboxed frame)', method: 'POST', path: '/pause', headers: () => ({ ...own(), origin: 'null' }), status: 403 },
  { name: 'an Origin on another port', method: 'POST', path: '/pause', headers: () => ({ ...own(), origin: `http://127.0.0.1:${port + 1}` }), status: 403 },
  { name: 'a GET that would pause (an image tag)', method: 'GET', path: '/pause', headers: () => own(), status: 405 },
  { name: 'a rebound Host with our Origin', method: 'POST', path: '/pause', headers: () => ({ host: 'evil.example', origin: own().origin }), status: 403 },
  { name: 'a foreign page sets a parameter', method: 'POST', path: '/params', headers: () => ({ ...own(), origin: 'http://evil.example', 'content-type': 'application/json' }), status: 403 },
  { name: 'a foreign page restarts the run', method: 'POST', path: '/restart', headers: () => ({ ...own(), origin: 'http://evil.example' }), status: 403 },
  { name: 'a GET that would restart', method: 'GET', path: '/restart', headers: () => own(), status: 405 },
  { name: 'a PUT of parameters', method: 'PUT', path: '/params', headers: () => own(), status: 405 },
  { name: 'DNS rebinding reads the parameters', method: 'GET', path: '/params', headers: () => ({ host: `evil.example:${port}` }), status: 403 },
];

test('foreign Hosts and Origins neither read nor change the run', async () => {
  const problems: string[] = [];
  for (const c of CASES) {
    const r = await send(c.method, c.path, c.headers());
    if (r.status !== c.status) problems.push(`${c.name}: status ${r.status}, expected ${c.status}`);
    if (r.body.includes('positions')) problems.push(`${c.name}: the answer holds the robots' positions`);
  }
  assert.deepEqual(problems, []);
  const state = JSON.parse((await send('GET', '/state', own())).body) as { paused: boolean; target: string };
  assert.equal(state.paused, false, 'no refused request paused the run');
  assert.equal(state.target, 'public-s1', 'no refused request switched the target');
  // The page itself works: its own Origin pauses and switches.
  assert.equal((await send('POST', '/pause', own())).status, 204);
  assert.equal((await send('POST', '/target?name=other', { ...own(), host: `localhost:${port}`, origin: `http://localhost:${port}` })).status, 202, 'accepted, built aside');
  let after = JSON.parse((await send('GET', '/state', own())).body) as { paused: boolean; target: string };
  for (let k = 0; k < 400 && after.target !== 'other'; k++) {
    await new Promise((done) => setTimeout(done, 50));
    after = JSON.parse((await send('GET', '/state', own())).body) as { paused: boolean; target: string };
  }
  assert.deepEqual([after.paused, after.target], [true, 'other']);
});

test('a flood of image names keeps at most a few heat maps; unknown names are not found', async () => {
  for (let k = 0; k < 300; k++) {
    const r = await send('GET', `/target.png?name=flood-${k}`, own());
    assert.equal(r.status, 404, `name flood-${k}`);
  }
  assert.equal((await send('GET', '/target.png?name=public-s1', own())).status, 200);
  assert.ok(view.cachedImages() <= HEAT_CACHE_SIZE, `${view.cachedImages()} images cached`);
  assert.ok(view.cachedImages() >= 1);
});
