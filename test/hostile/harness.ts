/**
 * Shared pieces of the hostile-input suite: a folder of hostile files (a secret-bearing file shaped like
 * /etc/shadow, a FIFO, a symbolic link...), the contract every refusal meets, and a runner for spawned CLI cases.
 * Each surface has its own file with a table of cases; a new case is one row.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Fragments of the secret file: none may ever appear in a refusal. */
export const SECRETS = ['root', '20228', '$6$', 'hunter2', 'c2VjcmV0'];

/** A file shaped like /etc/shadow: lines that a YAML parser reads as one odd mapping key, and a password hash. */
export const SECRET_TEXT = 'root:$6$c2VjcmV0$hunter2:20228:0:99999:7:::\ndaemon:*:20228:0:99999:7:::\nbin:*:20228:0:99999:7:::\n';

/** Longest refusal accepted: values are cut to a few dozen characters, so messages stay short. */
export const MAX_MESSAGE = 600;

/** A scratch folder with the hostile files every surface uses; `cleanup` removes it. */
export function hostileFolder(): { dir: string; secret: string; secretYamlKey: string; fifo: string | undefined; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'blob-hostile-'));
  const secret = join(dir, 'shadow');
  writeFileSync(secret, SECRET_TEXT);
  // A YAML mapping whose only key is a secret (as `/etc/shadow` parses): it must not be quoted either.
  const secretYamlKey = join(dir, 'secret-key.yaml');
  writeFileSync(secretYamlKey, 'root$6$c2VjcmV0$hunter2: 1\n');
  const fifo = join(dir, 'fifo');
  const made = spawnSync('mkfifo', [fifo]).status === 0;
  return { dir, secret, secretYamlKey, fifo: made ? fifo : undefined, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Asserts the contract of a refusal message: one line, short, no stack trace, no fragment of the secret file. */
export function assertCleanRefusal(message: string, what: string): void {
  const text = message.replace(/\n$/, '');
  assert.ok(!text.includes('\n'), `${what}: one line, got ${JSON.stringify(text.slice(0, 300))}`);
  assert.ok(text.length <= MAX_MESSAGE, `${what}: at most ${MAX_MESSAGE} characters, got ${text.length}: ${text.slice(0, 200)}...`);
  assert.ok(!/\bat .*:\d+:\d+/.test(text), `${what}: no stack trace: ${text}`);
  for (const s of SECRETS) assert.ok(!text.includes(s), `${what}: quotes '${s}' of the secret file: ${text}`);
}

/** What a spawned command did. */
export interface CliOutcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** Runs `blob-coverage` (the built bin) with `args`, killed after `limitMs`. */
export function runCli(args: readonly string[], limitMs: number, cwd = ROOT): Promise<CliOutcome> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'blob-coverage.js'), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, timedOut });
    });
  });
}

/** Runs `fn` over `items`, at most `width` at a time (the machine has two cores). */
export async function inPool<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

/** The bytes of a file, for checking that a refused command left it alone. */
export function bytesOf(path: string): string {
  return readFileSync(path).toString('base64');
}
