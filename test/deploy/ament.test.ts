import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { CONTROLLER_SCHEMA } from '../../src/params/controller.js';
import { SIMULATOR_SCHEMA } from '../../src/sim/params.js';
import { MSG, SRV } from '../../src/node/messages.js';
import { checkRosParams, launchRun, nodeParameters, root } from './deploy-helpers.js';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; license: string };
/** What CMakeLists.txt installs into share/blob_coverage. */
const SHARED = ['bin', 'dist', 'node_modules', 'scenarios', 'config', 'launch', 'gz', 'rviz', 'package.json'];
/** The build commands, as the README's colcon section, package.xml and CMakeLists.txt give them. */
const BUILD = 'npm ci --ignore-scripts && npm rebuild rclnodejs && npm run build';

test('package.xml: format 3, ament_cmake, the name, version and license of package.json, every interface package the nodes use', () => {
  const r = spawnSync('python3', ['-B', '-c', `import json, sys, xml.etree.ElementTree as ET
p = ET.parse(sys.argv[1]).getroot()
print(json.dumps({'format': p.get('format'), 'tags': [c.tag for c in p], 'text': {c.tag: (c.text or '').strip() for c in p},
  'maintainer_email': p.find('maintainer').get('email'), 'exec': [e.text for e in p.findall('exec_depend')],
  'build_type': p.find('export/build_type').text}))`, join(root, 'package.xml')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const x = JSON.parse(r.stdout) as { format: string; tags: string[]; text: Record<string, string>; maintainer_email: string; exec: string[]; build_type: string };
  assert.equal(x.format, '3');
  assert.deepEqual(x.tags.slice(0, 3), ['name', 'version', 'description'], 'the schema wants name, version, description first');
  for (const tag of ['maintainer', 'license', 'buildtool_depend', 'export']) assert.ok(x.tags.includes(tag), tag);
  assert.equal(x.text.name, 'blob_coverage');
  assert.equal(x.text.version, pkg.version);
  assert.equal(x.text.license, pkg.license);
  assert.ok(x.text.description.length > 20);
  assert.match(x.maintainer_email, /^[^@\s]+@[^@\s]+\.[a-z]+$/);
  assert.equal(x.text.buildtool_depend, 'ament_cmake');
  assert.equal(x.build_type, 'ament_cmake');
  const interfaces = new Set([...Object.values(MSG), ...Object.values(SRV)].map((t) => t.split('/')[0]));
  for (const p of [...interfaces, 'rosgraph_msgs', 'launch', 'launch_ros', 'ament_index_python']) assert.ok(x.exec.includes(p), `exec_depend ${p}`);
});

/**
 * A copy of the package (node_modules linked in, the rest copied, so that the install holds real files, as from a
 * clone) and a stand-in for ament_cmake; removed after `t`.
 */
function scratchPackage(t: TestContext, withDist: boolean): { dir: string; cmake: (...args: string[]) => ReturnType<typeof spawnSync> } {
  const dir = mkdtempSync(join(tmpdir(), 'blob-ament-'));
  t.after(() => rmSync(dir, { recursive: true, force: true })); // links are removed, not followed
  const src = join(dir, 'src');
  mkdirSync(join(src, 'ament'), { recursive: true });
  for (const f of ['CMakeLists.txt', 'package.json', 'package.xml']) copyFileSync(join(root, f), join(src, f));
  for (const f of readdirSync(join(root, 'ament'))) {
    copyFileSync(join(root, 'ament', f), join(src, 'ament', f));
    chmodSync(join(src, 'ament', f), statSync(join(root, 'ament', f)).mode);
  }
  symlinkSync(join(root, 'node_modules'), join(src, 'node_modules'));
  for (const d of SHARED.filter((d) => !['package.json', 'node_modules'].includes(d) && (withDist || d !== 'dist'))) cpSync(join(root, d), join(src, d), { recursive: true });
  symlinkSync(join(root, 'package-lock.json'), join(src, 'package-lock.json'));
  mkdirSync(join(dir, 'stub'));
  writeFileSync(join(dir, 'stub', 'ament_cmakeConfig.cmake'), 'macro(ament_package)\nendmacro()\n');
  const cmake = (...args: string[]) => spawnSync('cmake', args, { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { dir, cmake };
}

/** Top-level package folders under a node_modules folder (@scope/name for scoped ones). */
function packagesIn(modules: string): string[] {
  return readdirSync(modules).filter((d) => !d.startsWith('.')).flatMap((d) => (d.startsWith('@') ? readdirSync(join(modules, d)).map((s) => `${d}/${s}`) : [d]));
}

/** Bytes under a folder (links not followed). */
function du(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) total += e.isDirectory() ? du(join(dir, e.name)) : e.isFile() ? statSync(join(dir, e.name)).size : 0;
  return total;
}

test('CMakeLists.txt installs the project, its production dependencies only, and wrappers that run the installed nodes', (t) => {
  const { dir, cmake } = scratchPackage(t, true);
  const configure = cmake('-S', 'src', '-B', 'build', `-Dament_cmake_DIR=${join(dir, 'stub')}`, `-DCMAKE_INSTALL_PREFIX=${join(dir, 'install')}`);
  assert.equal(configure.status, 0, `cmake (Debian package cmake) must be installed: ${configure.error ?? configure.stderr}`);
  const install = cmake('--install', 'build');
  assert.equal(install.status, 0, String(install.stderr));
  const share = join(dir, 'install', 'share', 'blob_coverage');
  assert.deepEqual(readdirSync(share).sort(), [...SHARED].sort());
  // node_modules: exactly the top-level packages `npm ls --omit=dev` lists, complete; no development tool.
  const listed = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  const production = listed.stdout.trim().split('\n').map((p) => relative(join(root, 'node_modules'), p)).filter((p) => p && !p.startsWith('..') && !p.includes('/node_modules/'));
  const installed = packagesIn(join(share, 'node_modules'));
  assert.deepEqual(installed.sort(), production.sort());
  const dev = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies);
  for (const d of [...dev, 'esbuild']) assert.ok(!installed.includes(d), `${d} (development only) is not installed`);
  for (const p of ['mathjs', 'pino', 'pngjs', 'yaml', 'rclnodejs']) assert.ok(installed.includes(p), p);
  for (const p of ['mathjs', 'rclnodejs']) assert.equal(du(join(share, 'node_modules', p)), du(join(root, 'node_modules', p)), `${p} complete`);
  const size = du(join(share, 'node_modules'));
  t.diagnostic(`installed node_modules: ${(size / 1e6).toFixed(1)} MB of ${(du(join(root, 'node_modules')) / 1e6).toFixed(1)} MB`);
  // The installed CLI loads with the installed dependencies alone.
  const cli = spawnSync(process.execPath, [join(share, 'bin', 'blob-coverage.js'), 'gz-bridge', '--robots', '2'], { encoding: 'utf8', cwd: dir, env: { ...process.env, NODE_PATH: '' } });
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /ros_topic_name: robot_1\/odom/);
  // The wrappers, with a `node` on PATH that reports what it was asked to run.
  mkdirSync(join(dir, 'fake-bin'));
  writeFileSync(join(dir, 'fake-bin', 'node'), '#!/bin/sh\nprintf "%s\\n" "$@"\n', { mode: 0o755 });
  for (const [exe, script] of [['controller', 'blob-coverage-controller.js'], ['simulator', 'blob-coverage-simulator.js']]) {
    const wrapper = join(dir, 'install', 'lib', 'blob_coverage', exe);
    assert.ok(statSync(wrapper).mode & 0o100, `${exe} is executable`);
    const r = spawnSync(wrapper, ['--ros-args', '-p', 'robot_count:=3'], { encoding: 'utf8', env: { ...process.env, PATH: `${join(dir, 'fake-bin')}:${process.env.PATH}` } });
    assert.equal(r.status, 0, r.stderr);
    const [path, ...rest] = r.stdout.trim().split('\n');
    assert.equal(resolve(path), join(share, 'bin', script), `${exe} runs ${path}`);
    assert.deepEqual(rest, ['--ros-args', '-p', 'robot_count:=3']);
  }
  // The installed launch files start the package's executables as launch_ros Nodes (the checkout's use bin/*.js).
  for (const file of ['swarm.launch.py', 'blob_coverage.launch.xml']) {
    const r = launchRun(join(share, 'launch', file), ['namespace:=swarm_a', 'robot_count:=3'], { BLOB_COVERAGE_SHARE: share });
    assert.equal(r.status, 0, r.stderr);
    const nodes = r.run!.actions;
    assert.deepEqual(nodes.map((a) => [a.type, a.kwargs.package, a.kwargs.executable, a.kwargs.name, a.kwargs.namespace]), [
      ['Node', 'blob_coverage', 'simulator', 'swarm_simulator', 'swarm_a'],
      ['Node', 'blob_coverage', 'controller', 'blob_coverage_controller', 'swarm_a'],
    ], file);
    for (const [n, node, schema] of [[nodes[0], 'swarm_simulator', SIMULATOR_SCHEMA], [nodes[1], 'blob_coverage_controller', CONTROLLER_SCHEMA]] as const) {
      const args = n.kwargs.ros_arguments as string[];
      assert.equal(n.kwargs.parameters, undefined, 'no parameters=[{...}]: launch_ros would key them by /ns/name, which rclnodejs ignores');
      assert.equal(args[args.indexOf('--params-file') + 1], join(share, 'config', 'blob_coverage.yaml'));
      checkRosParams(args, schema, node);
      assert.equal(nodeParameters(args, node).robot_count, 3);
    }
  }
  // The checkout's file while the package is installed elsewhere: the checkout's own scripts.
  const checkout = launchRun('swarm.launch.py', [], { BLOB_COVERAGE_SHARE: share });
  assert.deepEqual(checkout.run!.actions.map((a) => a.type), ['ExecuteProcess', 'ExecuteProcess']);
});

test('package.xml, CMakeLists.txt and docs/deployment.md give the same build commands', () => {
  const xml = readFileSync(join(root, 'package.xml'), 'utf8').replace(/\s+/g, ' ');
  const cmakeLists = readFileSync(join(root, 'CMakeLists.txt'), 'utf8');
  const readme = readFileSync(join(root, 'docs', 'deployment.md'), 'utf8');
  // An XML comment cannot hold `--`: package.xml names the same npm steps, in the same order.
  const steps = (text: string) => [...text.matchAll(/npm (ci|rebuild rclnodejs|run build)/g)].map((m) => m[1]);
  assert.deepEqual(steps(xml), steps(BUILD), 'package.xml');
  assert.ok(cmakeLists.includes(`#   ${BUILD}\n`), 'CMakeLists.txt comment');
  assert.ok(cmakeLists.includes(`set(BUILD_COMMANDS "${BUILD}")`), 'CMakeLists.txt error message');
  const colcon = readme.slice(readme.indexOf('## The colcon workspace'));
  assert.ok(colcon.includes(`&& ${BUILD}\n`), 'docs/deployment.md colcon section');
  for (const stale of ['npm ci && npm run build', 'config/controller.yaml', 'config/simulator.yaml']) {
    for (const [name, text] of [['package.xml', xml], ['CMakeLists.txt', cmakeLists], ['docs/deployment.md', readme]]) assert.ok(!text.includes(stale), `${name} still says ${stale}`);
  }
});

test('CMakeLists.txt stops with the build command when the Node.js project is not built', (t) => {
  const { dir, cmake } = scratchPackage(t, false);
  const r = cmake('-S', 'src', '-B', 'build', `-Dament_cmake_DIR=${join(dir, 'stub')}`);
  assert.notEqual(r.status, 0);
  assert.ok(String(r.stderr).replace(/\s+/g, ' ').includes(`dist/ros/main.js is missing. Build the Node.js project first, with ROS sourced: cd ${join(dir, 'src')} && ${BUILD}`), String(r.stderr));
  assert.ok(!existsSync(join(dir, 'install')));
});
