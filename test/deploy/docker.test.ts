import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationSeverity, validate } from 'dockerfile-utils';
import { parse } from 'yaml';
import { CONTROLLER_SCHEMA } from '../../src/params/controller.js';
import { SIMULATOR_SCHEMA } from '../../src/sim/params.js';
import { checkRosParams, launchRun, root, words } from './deploy-helpers.js';

const dockerfiles = readdirSync(join(root, 'docker')).filter((f) => /Dockerfile/.test(f));
const dockerfile = readFileSync(join(root, 'docker', 'Dockerfile'), 'utf8');
/** Where the Dockerfile puts the repository and the colcon install. */
const SOURCE = '/ws/src/blob_coverage/';
const SHARE = '/ws/install/blob_coverage/share/blob_coverage/';
const LIB = '/ws/install/blob_coverage/lib/blob_coverage/';

/** dockerfile-utils (the validator of VS Code's Docker support) with every optional check raised to an error. */
function lint(text: string): string[] {
  const all = ValidationSeverity.ERROR;
  const settings = { deprecatedMaintainer: all, directiveCasing: all, emptyContinuationLine: all, instructionCasing: all, instructionCmdMultiple: all, instructionEntrypointMultiple: all, instructionHealthcheckMultiple: all, instructionJSONInSingleQuotes: all, instructionWorkdirRelative: all };
  return validate(text, settings).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
}

/** Instructions with their continuation lines joined, comments dropped. */
function instructions(text: string): { op: string; arg: string }[] {
  const joined = text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n').replace(/\\\n/g, ' ');
  return joined.split('\n').filter((l) => l.trim()).map((l) => {
    const [op, ...rest] = l.trim().split(/\s+/);
    return { op: op.toUpperCase(), arg: rest.join(' ') };
  });
}

/** The hadolint rules that matter here (hadolint itself is in neither Debian nor npm). */
function practices(text: string): string[] {
  const problems: string[] = [];
  const stages = new Set<string>();
  let pipefail = false;
  for (const { op, arg } of instructions(text)) {
    if (op === 'FROM') {
      const [image, , stage] = arg.split(/\s+/);
      if (!stages.has(image) && !/:[^/]+$/.test(image)) problems.push(`DL3006 ${image}: tag the base image`);
      if (/:latest$/.test(image)) problems.push(`DL3007 ${image}: not latest`);
      if (stage) stages.add(stage);
      pipefail = false;
    }
    if (op === 'SHELL') pipefail = arg.includes('pipefail');
    if (op === 'RUN') {
      if (/\|(?!\|)/.test(arg.replace(/\|\|/g, '')) && !pipefail) problems.push('DL4006 a pipe in RUN without SHELL ... -o pipefail');
      if (/(^|&&|;)\s*cd\s/.test(arg)) problems.push('DL3003 cd in RUN: use WORKDIR');
      if (/apt-get (-\S+ )*install/.test(arg)) {
        if (!/apt-get update/.test(arg)) problems.push('DL3009 apt-get install without apt-get update in the same RUN');
        if (!/rm -rf \/var\/lib\/apt\/lists\/\*/.test(arg)) problems.push('DL3009 apt lists not removed');
        if (!/install (.* )?-y\b/.test(arg)) problems.push('DL3014 apt-get install without -y');
        if (!/--no-install-recommends/.test(arg)) problems.push('DL3015 apt-get install without --no-install-recommends');
      }
    }
    if ((op === 'CMD' || op === 'ENTRYPOINT') && !arg.startsWith('[')) problems.push(`DL3025 ${op} in shell form`);
  }
  return problems;
}

test('the Dockerfiles pass dockerfile-utils with every check on, and the hadolint rules that apply', () => {
  assert.ok(dockerfiles.length >= 1);
  for (const f of dockerfiles) {
    const text = readFileSync(join(root, 'docker', f), 'utf8');
    assert.deepEqual(lint(text), [], f);
    assert.deepEqual(practices(text), [], f);
  }
});

test('the linters catch what they are there for (a bad Dockerfile fails both)', () => {
  const bad = 'FROM ubuntu\nRUN apt-get install curl | tee log\nRUN cd /src && make\nWORKDIR src\nCMD make\nCMD make run\nCOPY --chmode=755 a b\n';
  const found = lint(bad).join('\n');
  for (const m of [/only be one CMD/, /WORKDIR paths should be absolute/, /Unknown flag: chmode/]) assert.match(found, m);
  const rules = practices(bad).map((p) => p.split(' ')[0]);
  for (const r of ['DL3006', 'DL4006', 'DL3003', 'DL3009', 'DL3014', 'DL3015', 'DL3025']) assert.ok(rules.includes(r), r);
});

test('the images: Node 20 on ros:jazzy, ROS sourced for rclnodejs, the colcon install, an entrypoint that execs', () => {
  const ops = instructions(dockerfile);
  const froms = ops.filter((o) => o.op === 'FROM').map((o) => o.arg);
  assert.deepEqual(froms, ['node:20-bookworm-slim AS node', 'ros:${ROS_DISTRO}-ros-base AS controller', 'controller AS gazebo']);
  assert.match(dockerfile, /^ARG ROS_DISTRO=jazzy$/m);
  const runs = ops.filter((o) => o.op === 'RUN').map((o) => o.arg);
  assert.ok(runs.some((r) => /source "\/opt\/ros\/\$\{ROS_DISTRO\}\/setup\.bash" .*npm ci .*npm rebuild rclnodejs/.test(r)), 'rclnodejs builds with ROS sourced');
  assert.ok(runs.some((r) => /npm run build .*source .*colcon .*build .*--install-base \/ws\/install/.test(r)), 'the ament package is built after the Node.js project');
  assert.ok(runs.some((r) => /install .*ros-\$\{ROS_DISTRO\}-ros-gz/.test(r)), 'the gazebo image has ros_gz');
  const entry = JSON.parse(ops.find((o) => o.op === 'ENTRYPOINT')?.arg ?? '[""]') as string[];
  assert.ok(entry[0].startsWith(SOURCE));
  const script = join(root, entry[0].slice(SOURCE.length));
  assert.ok(statSync(script).mode & 0o100, 'the entrypoint is executable');
  const text = readFileSync(script, 'utf8');
  assert.match(text, /source \/ws\/install\/setup\.bash\nexec "\$@"\n$/);
  assert.equal(spawnSync('bash', ['-n', script]).status, 0);
  const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
  for (const d of ['node_modules', 'dist', 'build', 'install', 'log']) assert.ok(ignored.includes(d), `.dockerignore: ${d} (the image builds its own)`);
});

interface Service {
  build?: { context: string; dockerfile: string; target: string };
  image: string;
  command: string;
  network_mode?: string;
  stop_signal?: string;
  profiles?: string[];
}

/** A path inside the image, as the file of the repository it comes from. */
function inRepo(path: string): string {
  if (path.startsWith(SHARE)) return join(root, path.slice(SHARE.length));
  if (path.startsWith(LIB)) return join(root, 'ament', path.slice(LIB.length));
  assert.fail(`${path}: not in the image's colcon install`);
}

test('the compose files: built targets exist, node commands set valid parameters, files exist, launch shuts down on SIGINT', () => {
  const stages = new Set([...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]));
  const imageOfTarget = new Map<string, string>();
  let nodes = 0;
  for (const file of ['compose.yaml', 'gz.compose.yaml']) {
    const services = (parse(readFileSync(join(root, 'docker', file), 'utf8')) as { services: Record<string, Service> }).services;
    for (const [name, s] of Object.entries(services)) {
      const where = `${file}: ${name}`;
      if (s.build) {
        assert.ok(existsSync(join(root, 'docker', s.build.context, s.build.dockerfile)), where);
        assert.ok(stages.has(s.build.target), `${where}: target ${s.build.target}`);
        assert.equal(imageOfTarget.get(s.build.target) ?? s.image, s.image, `${where}: one image name per target`);
        imageOfTarget.set(s.build.target, s.image);
      } else {
        assert.ok([...imageOfTarget.values()].includes(s.image), `${where}: ${s.image} is built by a service before it`);
      }
      const cmd = words(s.command);
      if (cmd[0].startsWith(LIB)) {
        nodes++;
        assert.ok(existsSync(inRepo(cmd[0])), `${where}: ${cmd[0]}`);
        const [schema, node] = cmd[0].endsWith('/simulator') ? [SIMULATOR_SCHEMA, 'swarm_simulator'] : [CONTROLLER_SCHEMA, 'blob_coverage_controller'];
        assert.ok(cmd.includes(`__node:=${node}`), `${where}: named ${node}`);
        checkRosParams(cmd, schema, node);
        for (const w of cmd) for (const p of w.match(/\/ws\/install\/\S+/g) ?? []) assert.ok(existsSync(inRepo(p)), `${where}: ${p}`);
      } else if (cmd[0] === 'ros2') {
        assert.deepEqual(cmd.slice(1, 3), ['launch', 'blob_coverage'], where);
        // The launch file, evaluated with the arguments (the variables at their defaults) against the stand-ins.
        const args = cmd.slice(4).map((a) => a.replace(/\$\{ROBOTS:-(\d+)\}/, '$1'));
        const r = launchRun(cmd[3], args);
        assert.equal(r.status, 0, `${where}: ${r.stderr}`);
        assert.ok(r.run!.actions.length > 0, `${where}: starts something`);
        assert.equal(s.stop_signal, 'SIGINT', `${where}: ros2 launch stops its processes cleanly on SIGINT`);
      } else {
        assert.deepEqual(cmd, ['npm', 'run', 'test:ros'], where);
        assert.ok('test:ros' in (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
        assert.deepEqual(s.profiles, ['test']);
        assert.equal(s.network_mode, undefined, `${where}: the test keeps its graph inside its container`);
      }
    }
  }
  assert.equal(nodes, 2, 'the simulator and the controller of compose.yaml');
});
