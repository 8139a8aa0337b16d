/** Helpers of the deployment tests: evaluating Python launch files without ROS, checking `--ros-args` lists. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { checkParam, specOf } from '../../src/params/schema.js';
import type { ParamSchema } from '../../src/params/schema.js';

/** The repository root. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** One action a launch file starts, as test/deploy/launch-stubs/run_launch.py records it. */
export interface LaunchAction {
  readonly type: string;
  readonly args: unknown[];
  readonly kwargs: Record<string, unknown>;
}

/** What test/deploy/launch-stubs/run_launch.py prints: the configuration, the declared arguments, the actions. */
export interface LaunchRun {
  readonly arguments: Record<string, string>;
  readonly declared: { name: string; default: string; choices: string[] | null; description: string }[];
  readonly actions: LaunchAction[];
}

/** Runs a launch file (Python or XML) against the stand-ins in launch-stubs/ (no ROS); env adds variables. */
export function launchRun(file: string, args: readonly string[] = [], env: Record<string, string> = {}): { status: number | null; stderr: string; run?: LaunchRun } {
  assert.ok(existsSync(join(root, 'dist', 'cli', 'main.js')), 'the launch files run the built CLI: npm run build first');
  const path = file.startsWith('/') ? file : join(root, 'launch', file);
  const r = spawnSync('python3', ['-B', join(root, 'test', 'deploy', 'launch-stubs', 'run_launch.py'), ...args.filter((a) => a.startsWith('--')), path, ...args.filter((a) => !a.startsWith('--'))], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, BLOB_COVERAGE_SHARE: '', ...env },
  });
  return { status: r.status, stderr: r.stderr, run: r.status === 0 ? (JSON.parse(r.stdout) as LaunchRun) : undefined };
}

/** Evaluates a launch file against the stand-ins: the actions it starts (fails the test when launch would refuse). */
export function runLaunch(file: string, ...args: string[]): LaunchAction[] {
  const r = launchRun(file, args);
  assert.equal(r.status, 0, r.stderr);
  return r.run!.actions;
}

/** The `-p` rule of a command word: node (undefined: every node, `/**`), name and YAML text. */
function paramRule(rule: string): { node?: string; name: string; text: string } {
  const m = /^(?:([A-Za-z_][A-Za-z0-9_]*):)?([A-Za-z_][A-Za-z0-9_.]*):=(.*)$/s.exec(rule);
  assert.ok(m, `-p must be followed by [node:]name:=value, got '${rule}'`);
  return { node: m[1], name: m[2], text: m[3] };
}

/**
 * Checks every `-p [node:]name:=value` of a command against a parameter schema as ROS would read it: the value is
 * YAML, so `1` is an INTEGER that a double parameter refuses. Values with a substitution (`$(...)`, `${...}`) are
 * checked for their name only. `use_sim_time` is rclnodejs's own. With `node`, every rule must name that node
 * (rclnodejs lets node-keyed values in a parameter file beat `/**` ones, so an unscoped `-p` would lose to them).
 * Returns the names set.
 */
export function checkRosParams(cmd: readonly string[], schema: ParamSchema, node?: string): string[] {
  const names: string[] = [];
  cmd.forEach((word, i) => {
    if (word !== '-p') return;
    const { node: scope, name, text } = paramRule(cmd[i + 1] ?? '');
    if (node !== undefined) assert.equal(scope, node, `-p ${cmd[i + 1]} must be scoped to ${node}`);
    names.push(name);
    if (name === 'use_sim_time') {
      assert.ok(/^(true|false|\$.*)$/.test(text), `use_sim_time:=${text}`);
      return;
    }
    const spec = specOf(schema, name);
    assert.ok(spec, `unknown parameter '${name}'`);
    if (/\$[({]/.test(text)) return;
    if (spec.type === 'double') assert.match(text, /[.eE]/, `${name}:=${text} is an INTEGER for ROS; the parameter is a double`);
    if (spec.type === 'integer') assert.match(text, /^[-+]?\d+$/, `${name}:=${text} is not an integer`);
    const reason = checkParam(spec, parse(text) as unknown);
    assert.equal(reason, undefined, `${name}:=${text}: ${reason}`);
  });
  return names;
}

/**
 * The parameter overrides a node named `node` gets from a command's `--params-file` and `-p` arguments, merged as
 * rcl and rclnodejs 2.2 merge them: rcl keeps one table per key (`/**` or a node name), later entries replacing
 * earlier ones; rclnodejs takes the `/**` table, then its own node name's table over it (whatever the order).
 */
export function nodeParameters(cmd: readonly string[], node: string): Record<string, unknown> {
  const global: Record<string, unknown> = {};
  const own: Record<string, unknown> = {};
  const table = (key: string) => (key === '/**' ? global : key === node ? own : undefined);
  cmd.forEach((word, i) => {
    if (word === '--params-file') {
      const doc = parse(readFileSync(cmd[i + 1], 'utf8')) as Record<string, { ros__parameters?: Record<string, unknown> }>;
      for (const [key, section] of Object.entries(doc)) Object.assign(table(key) ?? {}, section.ros__parameters ?? {});
    } else if (word === '-p') {
      const { node: scope, name, text } = paramRule(cmd[i + 1]);
      const t = table(scope ?? '/**');
      if (t) t[name] = parse(text) as unknown;
    }
  });
  return { ...global, ...own };
}

/** The words of a command line (no quoting in the project's launch and compose commands). */
export function words(cmd: string): string[] {
  return cmd.trim().split(/\s+/);
}
