/** The command line as a new user meets it: help, version, suggestions, ROS-style -p values, one-line errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMAND_NAMES, COMMAND_SPECS } from '../../src/cli/command-table.js';
import { CONTROLLER_SCHEMA } from '../../src/params/controller.js';
import { SIMULATOR_SCHEMA } from '../../src/sim/params.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'blob-coverage.js');
const demo = join(root, 'scenarios', 'demo.yaml');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A refusal: exit 2, nothing on stdout, one line on stderr matching `pattern`. */
function refused(args: string[], pattern: RegExp): string {
  const r = cli(...args);
  assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}, ${r.stderr}`);
  assert.equal(r.stdout, '', args.join(' '));
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line: ${r.stderr}`);
  assert.match(r.stderr, /^blob-coverage: /);
  assert.match(r.stderr.trimEnd(), pattern);
  assert.doesNotMatch(r.stderr, /ambiguous|ERR_PARSE_ARGS|at .*\.js:\d+/);
  return r.stderr;
}

test('--help and help list every command, each with its summary', () => {
  for (const args of [['--help'], ['-h'], ['help']]) {
    const r = cli(...args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^blob-coverage \d+\.\d+\.\d+: /);
    for (const c of COMMAND_SPECS) assert.ok(r.stdout.includes(`  ${c.name} `) && r.stdout.includes(c.summary), `${args}: ${c.name}`);
    assert.match(r.stdout, /help params/);
  }
});

test('every command has its own help, the same from COMMAND --help, COMMAND -h and help COMMAND, listing each option', () => {
  for (const c of COMMAND_SPECS) {
    const a = cli(c.name, '--help');
    assert.equal(a.code, 0, `${c.name}: ${a.stderr}`);
    assert.ok(a.stdout.startsWith(`usage: blob-coverage ${c.name}${c.positional ? ` ${c.positional}` : ''}`), a.stdout.split('\n')[0]);
    for (const name of Object.keys(c.options)) assert.ok(a.stdout.includes(`--${name}`), `${c.name} --help lists --${name}`);
    for (const name of c.required ?? []) assert.ok(a.stdout.split('\n')[0].includes(`--${name} `), `${c.name}'s usage line names --${name}`);
  }
  // The other spellings give the same text (two commands are enough: one code path).
  for (const name of ['run', 'spawn-poses']) {
    const text = cli(name, '--help').stdout;
    assert.equal(cli('help', name).stdout, text, `help ${name}`);
    assert.equal(cli(name, '-h').stdout, text, `${name} -h`);
  }
  // --help wins over anything else on the line, even an unknown option or a missing scenario.
  assert.match(cli('run', '--bogus', '--help').stdout, /^usage: blob-coverage run SCENARIO --out FILE\.json/);
  assert.match(cli('standalone', '--help').stdout, /-p, --param NAME:=VALUE/);
});

test('help params lists every controller and simulator parameter from the schema, and says which take auto', () => {
  const r = cli('help', 'params');
  assert.equal(r.code, 0, r.stderr);
  for (const p of [...CONTROLLER_SCHEMA, ...SIMULATOR_SCHEMA]) assert.match(r.stdout, new RegExp(`^  ${p.name} \\(${p.type}`, 'm'), p.name);
  assert.match(r.stdout, /^ {2}epsilon \(double, m in \[0, 100\]; default 0, or auto; live\)$/m);
  assert.match(r.stdout, /at most 2 eps\^2 x rate/, 'the diffusivity cap is in its description');
});

test('--version prints the package version', () => {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-v']) {
    const r = cli(flag);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `blob-coverage ${version}\n`);
  }
});

test('an unknown command lists every command and suggests the near one', () => {
  const message = refused(['rn'], /^blob-coverage: unknown command 'rn' \(did you mean run\?\); commands: /);
  for (const name of [...COMMAND_NAMES, 'gz-bridge', 'spawn-poses', 'sample']) assert.ok(message.includes(name), `lists ${name}`);
  assert.doesNotMatch(refused(['fly'], /unknown command 'fly'; commands: /), /did you mean/);
  refused(['spawn-pose'], /did you mean spawn-poses\?/);
  refused(['help', 'standalon'], /help: no command 'standalon' \(did you mean standalone\?\)/);
  refused([], /^blob-coverage: missing command: blob-coverage <command> \[options\], one of demo, standalone, run/);
});

test('unknown options and parameter names get a suggestion', () => {
  refused(['run', demo, '--out', 'x.json', '--algoritm', 'lloyd'], /run: unknown option '--algoritm' \(did you mean --algorithm\?\); blob-coverage run --help lists the options/);
  refused(['sample', demo, '--n', '5', '--out', 'x.csv', '--sed', '3'], /did you mean --seed\?/);
  refused(['standalone', demo, '-p', 'max_linear_sped:=0.1'], /unknown controller parameter 'max_linear_sped' \(did you mean max_linear_speed\?\); blob-coverage help params lists them/);
  refused(['standalone', demo, '--sim-param', 'pose_nois:=0.1'], /unknown simulator parameter 'pose_nois' \(did you mean pose_noise\?\)/);
  refused(['standalone', demo, '-p', 'pose_noise:=0.1'], /a simulator parameter: --sim-param pose_noise:=/);
  refused(['run', demo, '--out'], /run: --out needs a value \(--out FILE\.json\)/);
  refused(['run', demo, '--quiet=yes', '--out', 'x.json'], /run: --quiet takes no value/);
  refused(['gz-bridge', '--robots', '3', 'extra'], /gz-bridge takes no 'extra'/);
});

test('negative numbers are values, refused by their own checks on one line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-help-'));
  refused(['sample', demo, '--n', '5', '--out', join(dir, 'x.csv'), '--time', '-1'], /--time must be a non-negative number, got '-1'$/);
  refused(['standalone', demo, '--duration', '-3'], /--duration must be a positive number of seconds/);
  refused(['spawn-poses', '--scenario', demo, '--robots', '4', '--min-separation', '-0.5'], /--min-separation must be a positive number of metres, got '-0\.5'/);
  refused(['standalone', demo, '-p', 'rate:=-5'], /parameter 'rate' must be >= 1 Hz, got -5/);
});

test('-p values are read as ROS reads them: auto where the schema allows it, lists in brackets, the right error otherwise', () => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-help-'));
  const out = join(dir, 'r.json');
  const names = `[${Array.from({ length: 100 }, (_, i) => `tb3_${i}`).join(',')}]`;
  const ok = cli('standalone', demo, '--duration', '2', '--out', out, '-p', 'epsilon:=auto', '-p', `robot_names:=${names}`, '-p', 'enabled:=True');
  assert.equal(ok.code, 0, ok.stderr);
  const doc = JSON.parse(readFileSync(out, 'utf8')) as { history: { mmd2: number }[]; final_positions: number[][] };
  assert.equal(doc.final_positions.length, 100);
  assert.ok(doc.history.at(-1)!.mmd2 < doc.history[0].mmd2 * 0.9, 'the robots named by robot_names moved: both nodes use the names');
  const auto = refused(['standalone', demo, '-p', 'epsilon:=wide'], /parameter 'epsilon' must be a number \(such as 10\.0\), or auto, got 'wide'/);
  assert.doesNotMatch(auto, /--epsilon/, 'no flag that does not exist');
  refused(['standalone', demo, '-p', 'rate:=auto'], /parameter 'rate' must be a number \(such as 10\.0\), got 'auto'$/);
  refused(['standalone', demo, '-p', 'robot_names:=[a,b]'], /robot_names lists 2 robots, but the scenario places 100 \(robots\.count\): in standalone mode they must agree/);
  refused(['standalone', demo, '-p', 'robot_names:=[a,a]'], /parameter 'robot_names' contains a name twice/);
  refused(['standalone', demo, '-p', 'pose_offsets:=[0.0, x]'], /parameter 'pose_offsets' must be a list of numbers/);
  refused(['standalone', demo, '-p', 'safety:=maybe'], /parameter 'safety' must be true or false, got 'maybe'/);
});
