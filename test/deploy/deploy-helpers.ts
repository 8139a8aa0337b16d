/** Helpers of the deployment tests: evaluating Python launch files without ROS, checking `--ros-args` lists. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

/** Evaluates a Python launch file against the stand-ins in launch-stubs/ (no ROS): the actions it starts. */
export function runLaunch(file: string, ...args: string[]): LaunchAction[] {
  assert.ok(existsSync(join(root, 'dist', 'cli', 'main.js')), 'the launch files run the built CLI: npm run build first');
  const r = spawnSync('python3', ['-B', join(root, 'test', 'deploy', 'launch-stubs', 'run_launch.py'), join(root, 'launch', file), ...args], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { actions: LaunchAction[] }).actions;
}

/**
 * Checks every `-p name:=value` of a command against a parameter schema as ROS would read it: the value is YAML, so
 * `1` is an INTEGER that a double parameter refuses. Values with a substitution (`$(...)`, `${...}`) are checked for
 * their name only. `use_sim_time` is rclnodejs's own. Returns the names set.
 */
export function checkRosParams(cmd: readonly string[], schema: ParamSchema): string[] {
  const names: string[] = [];
  cmd.forEach((word, i) => {
    if (word !== '-p') return;
    const m = /^([A-Za-z_][A-Za-z0-9_]*):=(.*)$/s.exec(cmd[i + 1] ?? '');
    assert.ok(m, `-p must be followed by name:=value, got '${cmd[i + 1]}'`);
    const [, name, text] = m;
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

/** The words of a command line (no quoting in the project's launch and compose commands). */
export function words(cmd: string): string[] {
  return cmd.trim().split(/\s+/);
}
