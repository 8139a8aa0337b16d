/**
 * Output files of the command line, in-process (finding 5): checked before any work, never an input (by real path
 * or file identity), written only over regular files, atomically. One row per case.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { linkSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutputs, writeFileAtomic } from '../../src/cli/output/output.js';
import { UsageError } from '../../src/cli/errors.js';
import { assertCleanRefusal, hostileFolder } from './harness.js';

const h = hostileFolder();
after(h.cleanup);
const { dir } = h;
const input = join(dir, 'input.yaml');
writeFileSync(input, 'name: x\n');
linkSync(input, join(dir, 'hard.yaml'));
symlinkSync(input, join(dir, 'soft.yaml'));
mkdirSync(join(dir, 'sub'));
symlinkSync(join(dir, 'sub'), join(dir, 'sublink'));
writeFileSync(join(dir, 'old.json'), 'old');

interface OutputCase {
  readonly name: string;
  readonly outputs: readonly { flag: string; path: string }[];
  readonly says: RegExp;
}

const CASES: readonly OutputCase[] = [
  { name: 'the input itself', outputs: [{ flag: '--out', path: input }], says: /--out .*input\.yaml is an input of this command/ },
  { name: 'the input through a linked folder', outputs: [{ flag: '--out', path: join(dir, 'sublink', '..', 'input.yaml') }], says: /is an input|is a symbolic link/ },
  { name: 'a hard link to the input', outputs: [{ flag: '--out', path: join(dir, 'hard.yaml') }], says: /hard\.yaml is an input of this command/ },
  { name: 'a symbolic link to the input', outputs: [{ flag: '--out', path: join(dir, 'soft.yaml') }], says: /is a symbolic link/ },
  { name: 'a folder', outputs: [{ flag: '--svg', path: join(dir, 'sub') }], says: /--svg .*sub: is a folder/ },
  { name: 'a file in a missing folder', outputs: [{ flag: '--out', path: join(dir, 'nope', 'o.json') }], says: /its folder .*nope does not exist/ },
  { name: 'a file under a regular file', outputs: [{ flag: '--out', path: join(input, 'o.json') }], says: /is not a folder/ },
  { name: 'a device', outputs: [{ flag: '--out', path: '/dev/zero' }], says: /is not a regular file/ },
  ...(h.fifo ? [{ name: 'a FIFO', outputs: [{ flag: '--report', path: h.fifo }], says: /is not a regular file/ }] : []),
  { name: 'two flags, one file', outputs: [{ flag: '--out', path: join(dir, 'a.json') }, { flag: '--svg', path: join(dir, '.', 'a.json') }], says: /--svg and --out name the same file/ },
];

test('outputs that are inputs, links, folders, devices or missing folders are refused before any work', () => {
  for (const c of CASES) {
    assert.throws(() => checkOutputs(c.outputs, [input]), (e: Error) => {
      assert.ok(e instanceof UsageError, `${c.name}: ${e.name}`);
      assertCleanRefusal(e.message, c.name);
      assert.match(e.message, c.says, c.name);
      return true;
    });
  }
  checkOutputs([{ flag: '--out', path: join(dir, 'old.json') }, { flag: '--svg', path: join(dir, 'new.svg') }], [input]);
});

test('a write goes over a regular file only, atomically, and leaves no temporary file', () => {
  writeFileAtomic(join(dir, 'old.json'), 'new');
  assert.equal(readFileSync(join(dir, 'old.json'), 'utf8'), 'new');
  assert.throws(() => writeFileAtomic(join(dir, 'soft.yaml'), 'x'), /is a symbolic link/);
  assert.ok(lstatSync(join(dir, 'soft.yaml')).isSymbolicLink());
  assert.equal(readFileSync(input, 'utf8'), 'name: x\n', 'the link target is untouched');
  assert.throws(() => writeFileAtomic('/dev/null', 'x'), /is not a regular file/);
  assert.ok(lstatSync('/dev/null').isCharacterDevice());
  assert.throws(() => writeFileAtomic(join(dir, 'sub'), 'x'), /is a folder/);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), []);
});
