import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MSG } from '../../src/node/messages.js';
import { root } from './deploy-helpers.js';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; license: string };
/** What CMakeLists.txt installs into share/blob_coverage. */
const SHARED = ['bin', 'dist', 'node_modules', 'scenarios', 'config', 'launch', 'gz', 'package.json'];

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
  const interfaces = new Set(Object.values(MSG).map((t) => t.split('/')[0]));
  for (const p of [...interfaces, 'rosgraph_msgs', 'launch', 'launch_ros', 'ament_index_python']) assert.ok(x.exec.includes(p), `exec_depend ${p}`);
});

/** A copy of the package's build files with the project's folders linked in, a stand-in for ament_cmake; removed after `t`. */
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
  for (const d of SHARED.filter((d) => d !== 'package.json' && (withDist || d !== 'dist'))) symlinkSync(join(root, d), join(src, d));
  mkdirSync(join(dir, 'stub'));
  writeFileSync(join(dir, 'stub', 'ament_cmakeConfig.cmake'), 'macro(ament_package)\nendmacro()\n');
  const cmake = (...args: string[]) => spawnSync('cmake', args, { cwd: dir, encoding: 'utf8' });
  return { dir, cmake };
}

test('CMakeLists.txt installs the project into share/blob_coverage and wrappers that run the installed nodes', (t) => {
  const { dir, cmake } = scratchPackage(t, true);
  const configure = cmake('-S', 'src', '-B', 'build', `-Dament_cmake_DIR=${join(dir, 'stub')}`, `-DCMAKE_INSTALL_PREFIX=${join(dir, 'install')}`);
  assert.equal(configure.status, 0, `cmake (Debian package cmake) must be installed: ${configure.error ?? configure.stderr}`);
  const install = cmake('--install', 'build');
  assert.equal(install.status, 0, String(install.stderr));
  const share = join(dir, 'install', 'share', 'blob_coverage');
  assert.deepEqual(readdirSync(share).sort(), [...SHARED].sort());
  // The wrappers, with a `node` on PATH that reports what it was asked to run.
  mkdirSync(join(dir, 'fake-bin'));
  writeFileSync(join(dir, 'fake-bin', 'node'), '#!/bin/sh\nprintf "%s\\n" "$@"\n', { mode: 0o755 });
  for (const [exe, script] of [['controller', 'blob-coverage-controller.js'], ['simulator', 'blob-coverage-simulator.js']]) {
    const wrapper = join(dir, 'install', 'lib', 'blob_coverage', exe);
    assert.ok(statSync(wrapper).mode & 0o100, `${exe} is executable`);
    const r = spawnSync(wrapper, ['--ros-args', '-p', 'robot_count:=3'], { encoding: 'utf8', env: { ...process.env, PATH: `${join(dir, 'fake-bin')}:${process.env.PATH}` } });
    assert.equal(r.status, 0, r.stderr);
    const [path, ...rest] = r.stdout.trim().split('\n');
    assert.ok(resolve(path).startsWith(`${share}/bin/`), `${exe} runs ${path}`);
    assert.equal(realpathSync(path), join(root, 'bin', script));
    assert.deepEqual(rest, ['--ros-args', '-p', 'robot_count:=3']);
  }
});

test('CMakeLists.txt stops with the build command when the Node.js project is not built', (t) => {
  const { dir, cmake } = scratchPackage(t, false);
  const r = cmake('-S', 'src', '-B', 'build', `-Dament_cmake_DIR=${join(dir, 'stub')}`);
  assert.notEqual(r.status, 0);
  assert.match(String(r.stderr).replace(/\s+/g, ' '), /dist\/ros\/main\.js is missing\. Build the Node\.js project first, .* && npm ci && npm run build/);
  assert.ok(!existsSync(join(dir, 'install')));
});
