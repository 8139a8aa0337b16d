/**
 * How long a live target switch blocks the controller's thread (issue 12): a controller node with N robots on the
 * in-process bus, driven in real time (a 10 Hz interval advances its clock by one period, so a tick runs only when
 * the event loop is free), switches its `target_file` between the bundled scenarios (a mixture, a formula, a map,
 * obstacles) and back. For each switch:
 * - callback: the parameter callback (quick checks, start of the build), ms of wall time;
 * - in force: putting the worker's result in force on the control thread (rebuilding the objects around the
 *   transferred arrays, the latched density grid), ms;
 * - max lag: the largest event-loop delay while the switch was pending (perf_hooks.monitorEventLoopDelay, 1 ms
 *   resolution; it includes the ticks themselves, ~1 ms at 100 robots and ~8 ms at 1,000, and the machine's noise);
 * - ticks: the control ticks that ran while the build was aside, against the periods that passed;
 * - build: the worker's time for the build (CPU-bound, on the other core).
 * Sections are wall time around synchronous code (no await inside): on this shared 2-core machine the minimum over
 * `--repeat` switches is the figure; the median is shown too.
 *
 * Run: npm run bench:switch [-- --robots 100,1000 --repeat 3]
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CoverageControllerNode } from '../src/control/controller-node.js';
import { VirtualClock } from '../src/node/clock.js';
import { InProcessBus } from '../src/node/inprocess.js';
import type { Logger } from '../src/node/interface.js';
import { quaternionOfYaw, timeMsg } from '../src/node/messages.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCENARIOS = ['demo', 'ring', 'floor', 'l-shape'].map((n) => join(root, 'scenarios', `${n}.yaml`));
const RATE = 10;

interface Row {
  robots: number;
  scenario: string;
  callback: number[];
  inForce: number[];
  lag: number[];
  ticks: string[];
  build: number[];
  /** Main-thread CPU over the window, ms, and the window's wall time, ms. */
  cpu: number[];
  wall: number[];
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/**
 * CPU time of this process's main thread alone, ms (Linux: /proc/self/task/<pid>/stat, utime + stime in 10 ms
 * clock ticks): process.cpuUsage() would count the build worker's thread too.
 */
function mainThreadCpu(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function measure(robots: number, repeat: number): Promise<Row[]> {
  const clock = new VirtualClock();
  const bus = new InProcessBus(clock);
  const quiet: Logger = { debug() {}, info() {}, warn() {}, error: (m) => process.stderr.write(`${m}\n`) };
  const node = bus.createNode('blob_coverage_controller', { logger: quiet, parameters: { robot_count: robots, rate: RATE, robot_radius: 0.001, safety_clearance: 0.001, target_file: SCENARIOS[0] } });
  const ctl = new CoverageControllerNode(node, SCENARIOS[0]);
  const poses = bus.createNode('robots', { logger: quiet });
  const pubs = Array.from({ length: robots }, (_, i) => poses.createPublisher('nav_msgs/msg/Odometry', `/robot_${i}/odom`, 'sensor'));
  let ticks = 0;
  ctl.onTick = () => ticks++;
  const side = Math.ceil(Math.sqrt(robots));
  const drive = setInterval(() => {
    const t = clock.now();
    pubs.forEach((p, i) =>
      p.publish({
        header: { stamp: timeMsg(t), frame_id: 'map' },
        child_frame_id: 'base_link',
        pose: { pose: { position: { x: -0.9 + (1.8 * (i % side)) / side, y: -0.9 + (1.8 * Math.floor(i / side)) / side, z: 0 }, orientation: quaternionOfYaw(0) } },
        twist: { twist: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } } },
      }),
    );
    clock.advanceTo(t + 1 / RATE);
  }, 1000 / RATE);
  // Warm up: the worker's start-up and every scenario once.
  for (const file of [...SCENARIOS.slice(1), SCENARIOS[0]]) {
    node.setParameters({ target_file: file });
    await ctl.whenSettled();
  }
  const rows: Row[] = SCENARIOS.slice(1).map((file) => ({ robots, scenario: file.split('/').at(-1)!, callback: [], inForce: [], lag: [], ticks: [], build: [], cpu: [], wall: [] }));
  for (let k = 0; k < repeat; k++) {
    for (const [s, file] of SCENARIOS.slice(1).entries()) {
      for (const [to, row] of [[file, rows[s]], [SCENARIOS[0], undefined]] as const) {
        const lag = monitorEventLoopDelay({ resolution: 1 });
        lag.enable();
        const ticks0 = ticks;
        const cpu0 = mainThreadCpu();
        const started = performance.now();
        const t0 = performance.now();
        const verdict = node.setParameters({ target_file: to });
        const callback = performance.now() - t0;
        if (!verdict.successful) throw new Error(verdict.reason);
        await ctl.whenSettled();
        lag.disable();
        const cpu = mainThreadCpu() - cpu0;
        const wall = performance.now() - started;
        const status = ctl.targetStatus;
        if (status.state !== 'ok') throw new Error(`switch to ${to} ended ${status.state}`);
        if (!row) continue;
        const periods = Math.floor(((performance.now() - started) / 1000) * RATE);
        row.callback.push(callback);
        row.inForce.push(status.mainMs ?? Number.NaN);
        row.lag.push(lag.max / 1e6);
        row.ticks.push(`${ticks - ticks0}/${periods}`);
        row.build.push((status.seconds ?? Number.NaN) * 1000);
        row.cpu.push(cpu);
        row.wall.push(wall);
      }
    }
  }
  // The same windows with no switch: what the ticks, the pose traffic and the machine cost by themselves.
  const idle: Row = { robots, scenario: '(no switch)', callback: [], inForce: [], lag: [], ticks: [], build: [], cpu: [], wall: [] };
  for (let k = 0; k < repeat * rows.length; k++) {
    const lag = monitorEventLoopDelay({ resolution: 1 });
    lag.enable();
    const ticks0 = ticks;
    const cpu0 = mainThreadCpu();
    const started = performance.now();
    await new Promise((done) => setTimeout(done, median(rows.flatMap((r) => r.build))));
    lag.disable();
    idle.cpu.push(mainThreadCpu() - cpu0);
    idle.wall.push(performance.now() - started);
    idle.lag.push(lag.max / 1e6);
    idle.ticks.push(`${ticks - ticks0}/${Math.floor(((performance.now() - started) / 1000) * RATE)}`);
  }
  clearInterval(drive);
  ctl.stop(1);
  return [idle, ...rows];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { robots: { type: 'string', default: '100,1000' }, repeat: { type: 'string', default: '3' } } });
  const repeat = Number(values.repeat);
  const f = (v: number[]): string => (v.length ? `${Math.min(...v).toFixed(1)} (${median(v).toFixed(1)})` : '');
  console.log('| robots | switch to | callback ms | in force ms | main-thread CPU ms/s | max loop lag ms | ticks / periods | build aside ms |');
  console.log('|---:|---|---:|---:|---:|---:|---|---:|');
  for (const n of values.robots.split(',').map(Number)) {
    for (const r of await measure(n, repeat)) {
      const rate = r.cpu.reduce((a, b) => a + b, 0) / (r.wall.reduce((a, b) => a + b, 0) / 1000);
      console.log(`| ${r.robots} | ${r.scenario} | ${f(r.callback)} | ${f(r.inForce)} | ${rate.toFixed(0)} | ${f(r.lag)} | ${r.ticks.join(', ')} | ${f(r.build)} |`);
    }
  }
  console.log(`\nmin (median) over ${repeat} switches; main-thread CPU per second of the switch windows (10 ms resolution); ticks at ${RATE} Hz while the build ran aside.`);
}

await main();
