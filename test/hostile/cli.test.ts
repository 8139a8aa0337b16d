/**
 * Hostile command lines (issue 12, finding 5): every failure is one line on stderr with exit status 2, no stack
 * trace, nothing on stdout, within a time limit; outputs are checked before any work and never written over an
 * input, a folder, a device or a symbolic link. One row per case: add rows to extend it. Each case is a process
 * (about 2 s of CPU while every command loads mathjs), so the validation of files is tested in-process by the other
 * tables of this folder, and here one case stands for each path through the command line.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, assertCleanRefusal, bytesOf, hostileFolder, inPool, runCli } from './harness.js';

const h = hostileFolder();
after(h.cleanup);
const { dir } = h;

/** A small valid scenario text, with `change` applied to its lines. */
const BASE = readFileSync(join(ROOT, 'scenarios', 'public-s1.yaml'), 'utf8').replace('duration: 20.0', 'duration: 0.5').replace('count: 100', 'count: 20');
function scenario(name: string, edit: (text: string) => string = (t) => t): string {
  const path = join(dir, name);
  writeFileSync(path, edit(BASE));
  return path;
}

const good = scenario('good.yaml');
const demo = join(ROOT, 'scenarios', 'demo.yaml');
const link = join(dir, 'link.json');
symlinkSync(join(dir, 'linked-target.json'), link);
writeFileSync(join(dir, 'linked-target.json'), '{"keep": true}\n');
mkdirSync(join(dir, 'folder'));
writeFileSync(join(dir, 'many.json'), JSON.stringify(Array.from({ length: 100_001 }, () => [0, 0])));
const out = join(dir, 'out.json');

interface CliCase {
  readonly name: string;
  readonly args: readonly string[];
  /** What the one line must say. */
  readonly says: RegExp;
  /** Files that must be byte for byte as before (inputs, the files an output flag named). */
  readonly untouched?: readonly string[];
}

const CASES: readonly CliCase[] = [
  // Parameters too fine for the grids, or physical parameters out of their bounds (stack traces or NaN before).
  { name: 'eps too fine for the grid limit', args: ['run', scenario('eps.yaml', (t) => t.replace('epsilon: 0.1', 'epsilon: 0.0001')), '--out', out], says: /'blob\.epsilon' \(0\.0001 m\) is below 0\.005 x the domain's size/ },
  { name: 'diffusivity 1e308 (every position NaN before)', args: ['run', scenario('d308.yaml', (t) => t.replace('diffusivity: 1.0', 'diffusivity: 1e308')), '--out', out], says: /'blob\.diffusivity' must be <= 1000000/ },
  // Outputs: checked before any work, never an input, only regular files.
  { name: '--out a folder', args: ['run', good, '--out', join(dir, 'folder')], says: /--out .*folder: is a folder/ },
  { name: '--out in a missing folder', args: ['run', good, '--out', join(dir, 'missing', 'o.json')], says: /its folder .*missing does not exist/ },
  { name: '--out the input itself', args: ['run', good, '--out', good], says: /--out .*good\.yaml is an input of this command/, untouched: [good] },
  { name: '--out a symbolic link', args: ['run', good, '--out', link], says: /is a symbolic link/, untouched: [join(dir, 'linked-target.json')] },
  { name: '--out /dev/null (a device)', args: ['run', good, '--out', '/dev/null'], says: /is not a regular file/ },
  { name: 'gz-bridge --out a folder', args: ['gz-bridge', '--robots', '3', '--out', join(dir, 'folder')], says: /is a folder/ },
  // Start-up parameters of the standalone controller (a stack trace before).
  { name: 'a bad -p target', args: ['standalone', demo, '-p', 'target:=foo'], says: /'target' is not a scenario/ },
  { name: '-p target_file naming a secret file', args: ['standalone', demo, '-p', `target_file:=${h.secret}`], says: /'target_file'/ },
  { name: '--shards 0', args: ['standalone', demo, '--shards', '0'], says: /--shards must be a whole number of controller instances, at least 1, got '0'/ },
  { name: '--shards above the robots', args: ['standalone', demo, '--shards', '101'], says: /--shards must be at most the number of robots \(100\), got 101/ },
  // Positions: guarded as the scenario loader.
  { name: '--positions /dev/zero', args: ['velocity', good, '--positions', '/dev/zero'], says: /\/dev\/zero: file is not a regular file/ },
  ...(h.fifo ? [{ name: '--positions a FIFO', args: ['velocity', good, '--positions', h.fifo], says: /fifo: file is not a regular file/ }] : []),
  { name: '--positions with 100,001 robots', args: ['velocity', good, '--positions', join(dir, 'many.json')], says: /lists 100001 positions, more than 100000/ },
  // Files that are no scenario at all, and values too long to echo.
  { name: 'a secret file as the scenario', args: ['run', h.secret, '--out', out], says: /shadow: is not (valid YAML|a scenario)/ },
  { name: 'a 100,000-character flag value', args: ['run', good, '--out', out, '--algorithm', 'x'.repeat(100_000)], says: /--algorithm must be one of blob, lloyd, langevin, got 'x{40}\.\.\.'$/ },
  { name: 'a 100,000-character command', args: ['y'.repeat(100_000)], says: /unknown command 'y{40}\.\.\.'/ },
];

/** Generous: a case that hangs (a FIFO read, a run without end) is what this limit catches. */
const LIMIT_MS = 60_000;

test('every hostile command line ends within the limit with exit status 2 and one clean line', async () => {
  const before = new Map<string, string>();
  for (const c of CASES) for (const f of c.untouched ?? []) before.set(f, bytesOf(f));
  const outcomes = await inPool(CASES, 2, (c) => runCli(c.args, LIMIT_MS, dir));
  const problems: string[] = [];
  CASES.forEach((c, i) => {
    const r = outcomes[i];
    try {
      assert.ok(!r.timedOut, 'did not end within the limit');
      assert.equal(r.code, 2, `exit status (stderr: ${r.stderr.slice(0, 300)})`);
      assert.equal(r.stdout, '', 'nothing on stdout');
      assert.match(r.stderr, /^blob-coverage: /);
      assertCleanRefusal(r.stderr, 'stderr');
      assert.match(r.stderr.trimEnd(), c.says);
      for (const f of c.untouched ?? []) assert.equal(bytesOf(f), before.get(f), `${f} was changed`);
    } catch (e) {
      problems.push(`${c.name}: ${(e as Error).message.split('\n')[0]}`);
    }
  });
  assert.deepEqual(problems, []);
  assert.ok(lstatSync(link).isSymbolicLink(), 'the symbolic link is still a link');
  assert.ok(statSync('/dev/null').isCharacterDevice(), '/dev/null is still a device');
  assert.ok(!existsSync(out), 'no refused run wrote its output');
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), [], 'no temporary file left behind');
});
