import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StandaloneSession } from '../standalone/run.js';
import type { Target } from '../engine/target.js';
import { heatmapDataUri } from './svg.js';

/** A target the live view can switch to: a name and the scenario file whose target the controller loads. */
export interface Preset {
  readonly name: string;
  readonly path: string;
}

/** Options of the live view. */
export interface LiveViewOptions {
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
  /** Stops the simulation loop, sends zero to every robot, closes the server. */
  close(): Promise<void>;
}

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>blob-coverage live</title>
<style>body{font-family:system-ui,sans-serif;margin:16px}#map{border:1px solid #333}button{margin-right:6px}</style></head>
<body><h1 style="font-size:18px;margin:0 0 8px">blob-coverage: live standalone run</h1>
<div id="bar"><button id="pause">Pause</button><span id="presets"></span> <span id="status"></span></div>
<canvas id="map" width="600" height="600"></canvas>
<script>
(() => {
const map = document.getElementById('map'), ctx = map.getContext('2d');
const heat = new Image(); let state = null, heatTarget = '';
async function post(path) { await fetch(path, { method: 'POST' }); await poll(); }
document.getElementById('pause').onclick = () => post(state && state.paused ? '/resume' : '/pause');
async function poll() {
  const r = await fetch('/state'); state = await r.json();
  if (state.target !== heatTarget) { heatTarget = state.target; heat.src = '/target.png?name=' + encodeURIComponent(state.target); map.dataset.target = state.target; }
  const box = document.getElementById('presets');
  if (!box.childElementCount) for (const p of state.presets) { const b = document.createElement('button'); b.textContent = p; b.dataset.preset = p; b.onclick = () => post('/target?name=' + encodeURIComponent(p)); box.appendChild(b); }
  document.getElementById('pause').textContent = state.paused ? 'Resume' : 'Pause';
  document.getElementById('status').textContent = 't = ' + state.t.toFixed(1) + ' s, ' + (state.positions.length / 2) + ' robots, target: ' + state.target + (state.targetStatus !== 'ok' ? ' [' + state.targetStatus + ']' : '') + (state.paused ? ' (paused)' : '');
  draw();
}
function draw() {
  const d = state.domain, W = d.xmax - d.xmin, H = d.ymax - d.ymin, s = Math.min(600 / W, 600 / H);
  map.width = Math.round(W * s); map.height = Math.round(H * s);
  ctx.clearRect(0, 0, map.width, map.height);
  if (heat.complete && heat.naturalWidth) ctx.drawImage(heat, 0, 0, map.width, map.height);
  ctx.fillStyle = '#d94801'; ctx.strokeStyle = 'white';
  const p = state.positions; let marks = 0;
  for (let i = 0; i < p.length; i += 2) { ctx.beginPath(); ctx.arc((p[i] - d.xmin) * s, (d.ymax - p[i + 1]) * s, 5, 0, 6.2832); ctx.fill(); ctx.stroke(); marks++; }
  map.dataset.marks = String(marks); map.dataset.t = String(state.t);
}
heat.onload = () => state && draw();
poll(); setInterval(poll, 100);
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
const STATE_CHANGES = new Set(['/pause', '/resume', '/target']);

/**
 * Serves a live view of a standalone session on 127.0.0.1: the robots over the target, refreshed ten times a
 * second, a pause/resume button and one button per target preset (switched through the controller's
 * `target_file` parameter, as `ros2 param set` would: built aside, the map changes once the switch is in force).
 * The simulation advances in real time while not paused. Requests must name this server as their Host, and state
 * changes must come from its page (see requestProblem).
 */
export function startLiveView(o: LiveViewOptions): Promise<LiveView> {
  const s = o.session;
  const speed = o.speed ?? 1;
  let paused = false;
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
  const step = 0.05;
  const loop = setInterval(() => {
    if (!paused) s.clock.advanceTo(s.clock.now() + step * speed);
  }, step * 1000);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (code: number, type: string, body: string | Buffer) => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store', 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff' });
      res.end(body);
    };
    const refused = requestProblem(req.method, req.headers, port, STATE_CHANGES.has(url.pathname));
    if (refused) return send(refused.code, 'text/plain', refused.reason);
    if (req.method === 'GET' && url.pathname === '/') return send(200, 'text/html; charset=utf-8', PAGE);
    if (url.pathname === '/favicon.ico') return send(204, 'image/x-icon', '');
    if (req.method === 'GET' && url.pathname === '/state') {
      const status = s.controller.targetStatus;
      return send(200, 'application/json', JSON.stringify({ t: s.clock.now(), paused, target: current, targetStatus: status.state === 'refused' ? `refused: ${status.reason}` : status.state, presets: o.presets.map((p) => p.name), domain: s.target.domain, positions: Array.from(s.sim.positions()) }));
    }
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
    if (url.pathname === '/target') {
      const preset = o.presets.find((p) => p.name === url.searchParams.get('name'));
      if (!preset) return send(404, 'text/plain', 'no such preset');
      // The switch is built aside like any `ros2 param set`: the map follows once the controller has it in force.
      const verdict = s.controllerNode.setParameters({ target_file: preset.path });
      if (!verdict.successful) return send(400, 'text/plain', verdict.reason);
      const request = ++switches;
      void s.controller.whenSettled().then(() => {
        if (request !== switches || s.controller.targetStatus.state !== 'ok') return;
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
        close: () =>
          new Promise<void>((done) => {
            clearInterval(loop);
            s.controller.stop();
            s.bus.flush();
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}
