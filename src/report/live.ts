import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StandaloneSession } from '../standalone/run.js';
import type { Target } from '../engine/target/target.js';
import { CONTROLLER_SCHEMA } from '../params/controller.js';
import { specOf } from '../params/schema.js';
import { SwarmMeter } from '../standalone/meter.js';
import { separationLimit } from '../standalone/run.js';
import { MAX_PARAM_BODY, panelParams, paramRequest } from './live-params.js';
import { PLOT_SCRIPT } from './plot-script.js';
import { COLOURS, MIN_ROBOT_PX, heatmap, heatmapDataUri } from './svg.js';
import { linearTicks, valueAxis } from './ticks.js';
import type { Axis } from './ticks.js';

/** A target the live view can switch to: a name and the scenario file whose target the controller loads. */
export interface Preset {
  readonly name: string;
  readonly path: string;
}

/** Options of the live view. */
export interface LiveViewOptions {
  /** The run to show: its clock advances from the first page load; a restart replaces it with `session.fresh()`. */
  readonly session: StandaloneSession;
  readonly presets: readonly Preset[];
  /** Loads a preset's target for the heat map (the controller loads its own through `target_file`). */
  readonly loadTarget: (path: string) => Target;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** Simulated seconds per wall-clock second. Default 1. */
  readonly speed?: number;
}

/** A running live view. */
export interface LiveView {
  readonly url: string;
  readonly server: Server;
  /** Heat-map images held (at most HEAT_CACHE_SIZE). */
  readonly cachedImages: () => number;
  /** The session running now (a restart replaces it). */
  readonly session: () => StandaloneSession;
  /** Stops the simulation loop, sends zero to every robot, closes the server. */
  close(): Promise<void>;
}

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>blob-coverage live</title>
<style>
body{font-family:system-ui,sans-serif;margin:16px;color:#222}
button{margin-right:6px}
.row{display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start}
#plots canvas{border:1px solid #ddd;margin:0 0 8px 0;display:block}
#side{font-size:13px;max-width:240px}
#legend{list-style:none;padding:0;margin:8px 0}
#legend li{display:flex;align-items:center;gap:6px;margin:4px 0}
#params{font-size:13px;border-collapse:collapse}
#params td{padding:2px 4px;vertical-align:middle}
#params input[type=number]{width:7em}
#params .msg{max-width:26em;font-size:12px}
#params .refused{color:#b00}
#params .accepted{color:#080}
</style></head>
<body><h1 style="font-size:18px;margin:0 0 8px">blob-coverage: live standalone run</h1>
<div id="bar"><button id="pause">Pause</button><button id="restart" title="robots back to their start, time 0, with the parameters as set below">Restart</button>
target: <span id="presets"></span> <span id="status"></span></div>
<div class="row">
<canvas id="map" width="520" height="520"></canvas>
<div id="side"><canvas id="colorbar" width="220" height="64" title="the target: robots per square metre"></canvas>
<ul id="legend">
<li data-item="robots"><svg width="14" height="14"><circle cx="7" cy="7" r="5" fill="${COLOURS.robot}"/></svg><span id="robot-size">robots</span></li>
<li data-item="target"><svg width="14" height="14"><rect width="14" height="14" fill="${COLOURS.high}"/></svg>target density: darker asks for more robots</li>
<li data-item="obstacles"><svg width="14" height="14"><rect width="14" height="14" fill="${COLOURS.obstacle}"/></svg>obstacles</li>
<li data-item="limit"><svg width="14" height="14"><path d="M0 7 H5 M9 7 H14" stroke="${COLOURS.limit}" stroke-width="2"/></svg>separation limit: 2 robot_radius + safety_clearance</li>
</ul>
<p>MMD² measures how far the robots are from the target distribution (0: a perfect match); the energy is what the blob flow decreases; the minimum separation is the distance between the closest two robots.</p></div>
<div id="plots"><canvas id="plot-mmd2" width="400" height="150"></canvas><canvas id="plot-energy" width="400" height="150"></canvas><canvas id="plot-nnMin" width="400" height="150"></canvas></div>
</div>
<h2 style="font-size:16px;margin:12px 0 4px">Controller parameters (live: set as <code>ros2 param set</code> would)</h2>
<table id="params"></table>
<script>
${PLOT_SCRIPT}
(() => {
const map = document.getElementById('map'), ctx = map.getContext('2d');
const heat = new Image(); let state = null, heatTarget = '';
async function post(path, body) {
  const r = await fetch(path, body === undefined ? { method: 'POST' } : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text(); await poll(); return { status: r.status, text };
}
document.getElementById('pause').onclick = () => post(state && state.paused ? '/resume' : '/pause');
document.getElementById('restart').onclick = () => post('/restart');
async function poll() {
  const r = await fetch('/state'); state = await r.json();
  if (state.target !== heatTarget) { heatTarget = state.target; heat.src = '/target.png?name=' + encodeURIComponent(state.target); map.dataset.target = state.target; }
  const box = document.getElementById('presets');
  if (!box.childElementCount) for (const p of state.presets) { const b = document.createElement('button'); b.textContent = p; b.dataset.preset = p; b.onclick = () => post('/target?name=' + encodeURIComponent(p)); box.appendChild(b); }
  document.getElementById('pause').textContent = state.paused ? 'Resume' : 'Pause';
  document.getElementById('status').textContent = 't = ' + state.t.toFixed(1) + ' s, ' + (state.positions.length / 2) + ' robots, target: ' + state.target + (state.targetStatus !== 'ok' ? ' [' + state.targetStatus + ']' : '') + (state.paused ? ' (paused)' : '');
  document.querySelector('[data-item=obstacles]').hidden = !state.obstacles;
  draw(); plots();
}
const pad = { l: 48, r: 10, t: 10, b: 36 };
function draw() {
  const d = state.domain, W = d.xmax - d.xmin, H = d.ymax - d.ymin, pw = 520 - pad.l - pad.r, ph = Math.round(pw * H / W);
  map.height = ph + pad.t + pad.b;
  ctx.clearRect(0, 0, map.width, map.height);
  if (heat.complete && heat.naturalWidth) ctx.drawImage(heat, pad.l, pad.t, pw, ph);
  ctx.strokeStyle = '#333'; ctx.lineWidth = 1; ctx.strokeRect(pad.l, pad.t, pw, ph);
  ctx.fillStyle = '#222'; ctx.font = '12px sans-serif'; ctx.textAlign = 'center';
  for (const k of state.mapTicks.x) { const x = pad.l + (k.value - d.xmin) / W * pw; ctx.beginPath(); ctx.moveTo(x, pad.t + ph); ctx.lineTo(x, pad.t + ph + 4); ctx.stroke(); ctx.fillText(k.label, x, pad.t + ph + 16); }
  ctx.textAlign = 'right';
  for (const k of state.mapTicks.y) { const y = pad.t + ph - (k.value - d.ymin) / H * ph; ctx.beginPath(); ctx.moveTo(pad.l - 4, y); ctx.lineTo(pad.l, y); ctx.stroke(); ctx.fillText(k.label, pad.l - 6, y + 4); }
  ctx.textAlign = 'center'; ctx.fillText('x (m)', pad.l + pw / 2, pad.t + ph + 32);
  ctx.save(); ctx.translate(12, pad.t + ph / 2); ctx.rotate(-Math.PI / 2); ctx.fillText('y (m)', 0, 0); ctx.restore();
  const mpp = W / pw, rpx = Math.max(${MIN_ROBOT_PX}, state.robotRadius / mpp);
  document.getElementById('robot-size').textContent = 'robots, radius ' + +(state.robotRadius * 1000).toPrecision(3) + ' mm' + (state.robotRadius / mpp >= ${MIN_ROBOT_PX} ? ' (to scale)' : ' (drawn at ${MIN_ROBOT_PX} px: ' + (state.robotRadius / mpp).toFixed(1) + ' px to scale)');
  ctx.fillStyle = '${COLOURS.robot}';
  const p = state.positions; let marks = 0;
  for (let i = 0; i < p.length; i += 2) { ctx.beginPath(); ctx.arc(pad.l + (p[i] - d.xmin) / W * pw, pad.t + (d.ymax - p[i + 1]) / H * ph, rpx, 0, 6.2832); ctx.fill(); marks++; }
  map.dataset.marks = String(marks); map.dataset.t = String(state.t); map.dataset.run = String(state.run); map.dataset.robotPx = String(rpx);
  const cb = document.getElementById('colorbar'), cg = cb.getContext('2d'), x0 = 8, x1 = cb.width - 14, y0 = 20, hb = 12;
  cg.clearRect(0, 0, cb.width, cb.height);
  const grad = cg.createLinearGradient(x0, 0, x1, 0); grad.addColorStop(0, '${COLOURS.low}'); grad.addColorStop(1, '${COLOURS.high}');
  cg.fillStyle = grad; cg.fillRect(x0, y0, x1 - x0, hb); cg.strokeStyle = '#333'; cg.strokeRect(x0, y0, x1 - x0, hb);
  cg.font = '11px sans-serif'; cg.fillStyle = '#222'; cg.textAlign = 'left'; cg.fillText('target: robots per m² (' + (p.length / 2) + ' × density)', 0, 12); cg.textAlign = 'center';
  for (const k of state.colourbar.ticks) { const x = x0 + k.value / state.colourbar.top * (x1 - x0); cg.beginPath(); cg.moveTo(x, y0 + hb); cg.lineTo(x, y0 + hb + 4); cg.stroke(); cg.fillText(k.label, x, y0 + hb + 16); }
  cb.dataset.ticks = state.colourbar.ticks.map((k) => k.label).join('|');
}
function plots() {
  const h = state.history, lines = (name) => [{ t: h.t, v: h[name], colour: '#2166ac', label: '' }];
  drawPlot(document.getElementById('plot-mmd2'), { title: 'MMD² to the target', xLabel: 'time (s)', x: state.axes.time, y: state.axes.mmd2, lines: lines('mmd2') });
  drawPlot(document.getElementById('plot-energy'), { title: 'energy E_eps', xLabel: 'time (s)', x: state.axes.time, y: state.axes.energy, lines: lines('energy') });
  drawPlot(document.getElementById('plot-nnMin'), { title: 'minimum separation (m)', xLabel: 'time (s)', x: state.axes.time, y: state.axes.nnMin, lines: lines('nnMin'), ...(state.separationLimit !== null ? { limit: { value: state.separationLimit, label: 'limit ' + +state.separationLimit.toPrecision(3) + ' m' } } : {}) });
  for (const id of ['plot-mmd2', 'plot-energy', 'plot-nnMin']) document.getElementById(id).dataset.samples = String(h.t.length);
}
async function loadParams() {
  const list = (await (await fetch('/params')).json()).params, table = document.getElementById('params');
  table.textContent = '';
  for (const p of list) {
    const tr = document.createElement('tr'); tr.dataset.param = p.name; tr.title = p.description;
    const name = document.createElement('td'); name.textContent = p.name;
    const cell = document.createElement('td'); let input;
    if (p.type === 'bool') { input = document.createElement('input'); input.type = 'checkbox'; input.checked = p.value; }
    else if (p.choices) { input = document.createElement('select'); for (const c of p.choices) { const o = document.createElement('option'); o.value = c; o.textContent = c; input.appendChild(o); } input.value = p.value; }
    else if (p.type === 'string') { input = document.createElement('input'); input.value = p.value; }
    else { input = document.createElement('input'); input.type = 'number'; input.step = 'any'; input.value = String(p.value); }
    input.name = p.name; cell.appendChild(input);
    const unit = document.createElement('td'); unit.textContent = p.unit + (p.min !== undefined ? ' [' + p.min + ', ' + p.max + ']' : '');
    const set = document.createElement('td'), button = document.createElement('button'); button.textContent = 'Set'; set.appendChild(button);
    const msg = document.createElement('td'); msg.className = 'msg';
    button.onclick = async () => {
      const value = p.type === 'bool' ? input.checked : p.type === 'double' || p.type === 'integer' ? (input.value.trim() === '' ? null : Number(input.value)) : input.value;
      const r = await post('/params', { [p.name]: value });
      let answer; try { answer = JSON.parse(r.text); } catch { answer = { reason: r.text }; }
      msg.className = 'msg ' + (r.status < 300 ? 'accepted' : 'refused');
      msg.textContent = r.status < 300 ? 'accepted' + (answer.building ? ' (building the law aside)' : '') : 'refused: ' + answer.reason;
    };
    tr.append(name, cell, unit, set, msg); table.appendChild(tr);
  }
  table.dataset.rows = String(list.length);
}
heat.onload = () => state && draw();
loadParams(); poll(); setInterval(poll, 100);
})();
</script></body></html>`;

/** Most heat-map images the live view keeps (least recently used dropped first). */
export const HEAT_CACHE_SIZE = 8;

/** A map that keeps its `cap` most recently used entries. */
class LruCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly cap: number) {}

  get size(): number {
    return this.map.size;
  }

  /** The value of `key`, made from `make` when absent (then the least recently used entry beyond the cap goes). */
  getOrMake(key: string, make: () => V): V {
    let v = this.map.get(key);
    if (v !== undefined) this.map.delete(key);
    else v = make();
    this.map.set(key, v);
    if (this.map.size > this.cap) this.map.delete(this.map.keys().next().value as string);
    return v;
  }
}

/**
 * Why a request is refused for where it comes from, or undefined. Every request must name this server in its Host
 * header (127.0.0.1 or localhost and the port), so that a DNS-rebinding page cannot read it; a state change must be a
 * POST whose Origin is this server's, so that no other page can pause the run or switch the target.
 */
export function requestProblem(method: string | undefined, headers: { host?: string; origin?: string }, port: number, changesState: boolean): { code: number; reason: string } | undefined {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!hosts.includes((headers.host ?? '').toLowerCase())) return { code: 403, reason: 'forbidden: the Host header does not name this server' };
  if (!changesState) return undefined;
  if (method !== 'POST') return { code: 405, reason: 'method not allowed: state changes are POST requests' };
  if (!hosts.map((h) => `http://${h}`).includes((headers.origin ?? '').toLowerCase())) return { code: 403, reason: "forbidden: a state change must come from this server's own page (Origin)" };
  return undefined;
}

/** The paths whose requests change the run's state. */
const STATE_CHANGES = new Set(['/pause', '/resume', '/restart', '/target', '/params']);

/** Most samples of each live plot (older samples are thinned, one in two, when it is reached). */
export const LIVE_HISTORY = 600;

/** The live plots' samples: times and the three readings. */
interface History {
  t: number[];
  mmd2: number[];
  energy: number[];
  nnMin: number[];
}

/**
 * Serves a live view of a standalone session on 127.0.0.1: the robots over the target (axes, colour bar, legend),
 * live plots of MMD^2, energy and minimum separation (with the safety layer's limit), pause/resume, restart (robots
 * back at their start, time 0, the parameters as set), one button per target preset (switched through the
 * controller's `target_file` parameter, as `ros2 param set` would: built aside, the map changes once the switch is
 * in force), and a panel of the controller's live parameters, set through the controller node's own parameter
 * path (refusals come back with its reason). The simulation starts when the page is first loaded and then advances
 * in real time while not paused. Requests must name this server as their Host, and state changes must come from
 * its page (see requestProblem); parameter requests are checked by paramRequest.
 */
export function startLiveView(o: LiveViewOptions): Promise<LiveView> {
  let s = o.session;
  const speed = o.speed ?? 1;
  let paused = false;
  /** False until the page is first loaded: the run waits for someone to watch it. */
  let started = false;
  /** Restarts so far (0: the first run). */
  let run = 0;
  let current = o.presets[0]?.name ?? 'scenario';
  /** Target switches asked for; only the last one's outcome moves the map. */
  let switches = 0;
  let port = 0;
  const heat = new LruCache<Buffer>(HEAT_CACHE_SIZE);
  const heatPng = (target: Target): Buffer => Buffer.from(heatmapDataUri(target, 120).split(',')[1], 'base64');
  /** The heat map of a preset or of the current target; undefined for any other name. */
  const heatOf = (name: string): Buffer | undefined => {
    const preset = o.presets.find((p) => p.name === name);
    if (!preset && name !== current) return undefined;
    return heat.getOrMake(name, () => heatPng(preset ? o.loadTarget(preset.path) : s.target));
  };
  // The yardsticks follow the target in force (rebuilt when it changes), on the scenario's MMD bandwidth rule.
  let meter: SwarmMeter | undefined;
  let peak: { target: Target; value: number } | undefined;
  const lawTarget = (): Target => s.controller.controller.currentLaw.target;
  const meterOf = (): SwarmMeter => {
    const target = lawTarget();
    if (meter?.target !== target) {
      const d = target.domain;
      const sd = s.scenario.domain;
      const same = d.xmin === sd.xmin && d.xmax === sd.xmax && d.ymin === sd.ymin && d.ymax === sd.ymax;
      meter = new SwarmMeter(target, s.initial.length / 2, same ? s.scenario.metrics.mmdBandwidth : 0.05 * Math.sqrt((d.xmax - d.xmin) * (d.ymax - d.ymin)));
    }
    return meter;
  };
  const peakOf = (): number => {
    const target = lawTarget();
    if (peak?.target !== target) peak = { target, value: heatmap(target, 60).peak };
    return peak.value;
  };
  const history: History = { t: [], mmd2: [], energy: [], nnMin: [] };
  /** Simulated seconds between samples (doubles each time the history is thinned). */
  let every = 0.25;
  let nextSample = 0;
  const sample = (): void => {
    const t = s.clock.now();
    const r = meterOf().read(s.sim.positions());
    history.t.push(t);
    history.mmd2.push(r.mmd2);
    history.energy.push(r.energy);
    history.nnMin.push(r.nnMin);
    if (history.t.length >= LIVE_HISTORY) {
      for (const k of ['t', 'mmd2', 'energy', 'nnMin'] as const) history[k] = history[k].filter((_, i) => i % 2 === 0);
      every *= 2;
    }
    nextSample = t + every;
  };
  const restart = (): void => {
    const live = Object.fromEntries(Object.entries(s.controller.parameters).filter(([name]) => !specOf(CONTROLLER_SCHEMA, name)?.readOnly));
    const next = s.fresh(live);
    stopSession(s);
    s = next;
    for (const k of ['t', 'mmd2', 'energy', 'nnMin'] as const) history[k] = [];
    every = 0.25;
    sample();
  };
  sample();
  const step = 0.05;
  const loop = setInterval(() => {
    if (!started || paused) return;
    s.clock.advanceTo(s.clock.now() + step * speed);
    if (s.clock.now() >= nextSample - 1e-9) sample();
  }, step * 1000);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (code: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store', 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', ...extra });
      res.end(body);
    };
    const json = (code: number, body: unknown) => send(code, 'application/json', JSON.stringify(body));
    // GET /params reads the panel's values; any other method there sets them.
    const changes = STATE_CHANGES.has(url.pathname) && !(url.pathname === '/params' && req.method === 'GET');
    const refused = requestProblem(req.method, req.headers, port, changes);
    if (refused) return send(refused.code, 'text/plain', refused.reason);
    if (req.method === 'GET' && url.pathname === '/') {
      started = true;
      return send(200, 'text/html; charset=utf-8', PAGE);
    }
    if (url.pathname === '/favicon.ico') return send(204, 'image/x-icon', '');
    if (req.method === 'GET' && url.pathname === '/state') {
      const status = s.controller.targetStatus;
      const v = s.controller.parameters;
      const d = lawTarget().domain;
      const n = s.initial.length / 2;
      const density = n * peakOf();
      const limit = separationLimit(v);
      return json(200, {
        t: s.clock.now(),
        started,
        paused,
        run,
        target: current,
        targetStatus: status.state === 'refused' ? `refused: ${status.reason}` : status.state,
        presets: o.presets.map((p) => p.name),
        domain: d,
        obstacles: lawTarget().obstacles.segments.length > 0,
        positions: Array.from(s.sim.positions()),
        robotRadius: v.robot_radius,
        separationLimit: limit ?? null,
        mapTicks: { x: linearTicks(d.xmin, d.xmax), y: linearTicks(d.ymin, d.ymax) },
        colourbar: { top: density > 0 ? density : 1, ticks: linearTicks(0, density > 0 ? density : 1, 5) },
        history,
        axes: {
          time: liveTimeAxis(history.t),
          mmd2: valueAxis(history.mmd2, true),
          energy: valueAxis(history.energy, true),
          nnMin: valueAxis(history.nnMin, false, limit !== undefined ? [limit] : []),
        },
      });
    }
    if (req.method === 'GET' && url.pathname === '/params') return json(200, { params: panelParams(s.controller.parameters) });
    if (req.method === 'GET' && url.pathname === '/target.png') {
      const png = heatOf(url.searchParams.get('name') ?? current);
      return png ? send(200, 'image/png', png) : send(404, 'text/plain', 'no such target');
    }
    if (url.pathname === '/pause') {
      paused = true;
      return send(204, 'text/plain', '');
    }
    if (url.pathname === '/resume') {
      paused = false;
      return send(204, 'text/plain', '');
    }
    if (url.pathname === '/restart') {
      restart();
      run++;
      started = true;
      paused = false;
      return send(204, 'text/plain', '');
    }
    if (url.pathname === '/params') {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > MAX_PARAM_BODY) {
        // Refused before reading: the rest of the body is dropped with the connection.
        send(413, 'application/json', JSON.stringify({ reason: `the body is larger than ${MAX_PARAM_BODY} bytes` }), { connection: 'close' });
        req.resume();
        return;
      }
      let body = '';
      let over = false;
      req.on('error', () => undefined); // a client that goes away mid-body: nothing to answer
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        if (over) return;
        body += chunk;
        if (body.length > MAX_PARAM_BODY) {
          over = true;
          body = '';
          send(413, 'application/json', JSON.stringify({ reason: `the body is larger than ${MAX_PARAM_BODY} bytes` }), { connection: 'close' });
        }
      });
      req.on('end', () => {
        if (over) return;
        const r = paramRequest(req.headers['content-type'], body);
        if (!r.ok) return json(r.refusal.code, { reason: r.refusal.reason });
        // The controller node's own parameter path, as `ros2 param set` takes it: the same checks, the same reasons.
        const verdict = s.controllerNode.setParameters(r.updates);
        if (!verdict.successful) return json(400, { reason: verdict.reason });
        return json(200, { accepted: true, building: s.controller.targetStatus.state === 'building' });
      });
      return;
    }
    if (url.pathname === '/target') {
      const preset = o.presets.find((p) => p.name === url.searchParams.get('name'));
      if (!preset) return send(404, 'text/plain', 'no such preset');
      // The switch is built aside like any `ros2 param set`: the map follows once the controller has it in force.
      const verdict = s.controllerNode.setParameters({ target_file: preset.path });
      if (!verdict.successful) return send(400, 'text/plain', verdict.reason);
      const request = ++switches;
      const session = s;
      void session.controller.whenSettled().then(() => {
        if (request !== switches || session !== s || s.controller.targetStatus.state !== 'ok') return;
        current = preset.name;
        heat.getOrMake(preset.name, () => heatPng(s.controller.controller.currentLaw.target)); // in force: no second read
      });
      return send(202, 'text/plain', '');
    }
    return send(404, 'text/plain', 'not found');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}/`,
        server,
        cachedImages: () => heat.size,
        session: () => s,
        close: () =>
          new Promise<void>((done) => {
            clearInterval(loop);
            stopSession(s);
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

/** The live plots' time axis: linear from the first sample to the last (at least one second). */
function liveTimeAxis(t: readonly number[]): Axis {
  const lo = t.length ? t[0] : 0;
  const hi = Math.max(lo + 1, t.length ? t[t.length - 1] : 1);
  return { lo, hi, log: false, ticks: linearTicks(lo, hi) };
}

/** Sends zero to every robot of a session and lets go of its build worker and simulator. */
function stopSession(s: StandaloneSession): void {
  s.controller.stop();
  s.controller.close();
  s.bus.flush();
  s.sim.destroy();
}
