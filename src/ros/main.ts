/**
 * The ROS 2 entry points (`blob-coverage-controller`, `blob-coverage-simulator`). rclnodejs is loaded lazily here
 * and only here; when it is missing or ROS is not sourced, they exit with one line that says what to do.
 */
import type * as Rcl from 'rclnodejs';
import { CoverageControllerNode } from '../control/controller-node.js';
import { SwarmSimulatorNode, simulatorLayout } from '../sim/simulator-node.js';
import { rosNodeHandle } from './adapter.js';
import type { RclModule } from './adapter.js';
import { dirname, resolve } from 'node:path';
import { robotNames } from '../params/common.js';
import { fileURLToPath } from 'node:url';

const HOW_TO =
  'source your ROS 2 setup (e.g. `source /opt/ros/jazzy/setup.bash`), then build rclnodejs with it: `npm rebuild rclnodejs` ' +
  '(or `npm install rclnodejs` if it is missing). The standalone mode needs none of this: `npm start`.';

/** Loads rclnodejs, or explains in one line why it cannot be loaded. */
export async function loadRclnodejs(): Promise<typeof Rcl> {
  if (!process.env.AMENT_PREFIX_PATH) throw new Error(`ROS 2 is not sourced (AMENT_PREFIX_PATH is unset): ${HOW_TO}`);
  try {
    const mod = (await import('rclnodejs')) as unknown as { default?: typeof Rcl } & typeof Rcl;
    return mod.default ?? mod;
  } catch (e) {
    throw new Error(`rclnodejs cannot be loaded (${String((e as Error).message).split('\n')[0]}): ${HOW_TO}`);
  }
}

const defaultScenario = (): string => resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scenarios', 'demo.yaml');

/** Runs one node until SIGINT/SIGTERM; `build` wires it and returns what to do before shutdown. */
async function runNode(name: string, build: (rcl: typeof Rcl, node: Rcl.Node) => () => void): Promise<number> {
  let rcl: typeof Rcl;
  try {
    rcl = await loadRclnodejs();
  } catch (e) {
    process.stderr.write(`${name}: ${(e as Error).message}\n`);
    return 1;
  }
  await rcl.init(undefined, process.argv);
  rcl.removeSignalHandlers(); // ours send zero to every robot before shutting down
  const node = new rcl.Node(name);
  let beforeShutdown: () => void;
  try {
    beforeShutdown = build(rcl, node);
  } catch (e) {
    process.stderr.write(`${name}: ${(e as Error).message}\n`);
    rcl.shutdown();
    return 2;
  }
  node.spin();
  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      node.getLogger().info(`${signal}: stopping`);
      beforeShutdown();
      setTimeout(() => {
        rcl.shutdown();
        done();
      }, 100);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

/** `blob-coverage-controller [--ros-args ...]` */
export function controllerMain(): Promise<number> {
  return runNode('blob_coverage_controller', (rcl, node) => {
    const handle = rosNodeHandle(rcl as unknown as RclModule, node);
    const ctl = new CoverageControllerNode(handle, defaultScenario());
    return () => ctl.stop(3);
  });
}

/** `blob-coverage-simulator [--ros-args ...]` (the `scenario` parameter gives the initial layout). */
export function simulatorMain(): Promise<number> {
  return runNode('swarm_simulator', (rcl, node) => {
    const handle = rosNodeHandle(rcl as unknown as RclModule, node);
    const sim = new SwarmSimulatorNode(handle, { initial: (v) => simulatorLayout(String(v.scenario), robotNames(v).length) });
    return () => sim.destroy();
  });
}
