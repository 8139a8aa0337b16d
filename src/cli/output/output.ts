import { closeSync, fsyncSync, lstatSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { quotePath } from '../../io/quote.js';
import { UsageError } from '../errors.js';

/** An output file a command will write, with the flag that names it (for messages). */
export interface OutputFile {
  readonly flag: string;
  readonly path: string;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`${quotePath(path)}: cannot be inspected (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Why `path` cannot be written as an output, or undefined: its folder must exist, and it must be absent or a regular file. */
function outputProblem(path: string): string | undefined {
  const dir = dirname(resolve(path));
  let folder: Stats;
  try {
    folder = statSync(dir);
  } catch {
    return `its folder ${quotePath(dir)} does not exist`;
  }
  if (!folder.isDirectory()) return `${quotePath(dir)} is not a folder`;
  const own = lstatOrUndefined(path);
  if (own === undefined) return undefined;
  if (own.isSymbolicLink()) return 'is a symbolic link (outputs are written only over regular files: name the file itself)';
  if (own.isDirectory()) return 'is a folder (name a file)';
  if (!own.isFile()) return 'is not a regular file (a device, FIFO or socket is never written over)';
  return undefined;
}

/** The real path an output will have (its folder resolved through links) and, when it exists, its identity. */
function outputIdentity(path: string): { real: string; stats?: Stats } {
  const abs = resolve(path);
  return { real: join(realpathSync(dirname(abs)), basename(abs)), stats: lstatOrUndefined(abs) };
}

/**
 * Checks the outputs of a command before it does any work: each one's folder exists, each is absent or a regular
 * file, no two are the same file, and none is one of `inputs` (compared by real path and by file identity, so a
 * link or a hard link to an input is caught too). Throws a UsageError naming the flag.
 */
export function checkOutputs(outputs: readonly OutputFile[], inputs: readonly string[] = []): void {
  const seen: { flag: string; real: string }[] = [];
  const ins = inputs.map((p) => {
    try {
      return { path: p, real: realpathSync(p), stats: statSync(p) };
    } catch {
      return undefined;
    }
  });
  for (const o of outputs) {
    const problem = outputProblem(o.path);
    if (problem) throw new UsageError(`${o.flag} ${quotePath(o.path)}: ${problem}`);
    const { real, stats } = outputIdentity(o.path);
    const same = seen.find((s) => s.real === real);
    if (same) throw new UsageError(`${o.flag} and ${same.flag} name the same file ${quotePath(o.path)}`);
    seen.push({ flag: o.flag, real });
    for (const i of ins) {
      if (!i) continue;
      if (i.real === real || (stats && stats.dev === i.stats.dev && stats.ino === i.stats.ino)) {
        throw new UsageError(`${o.flag} ${quotePath(o.path)} is an input of this command (${quotePath(i.path)}): it would be overwritten`);
      }
    }
  }
}

/**
 * Writes a file atomically, only over a regular file: the data goes to a new temporary file in the same folder
 * (created exclusively, so a planted link is never followed), which then replaces `path`. A failed write never
 * leaves half a file, and a device, folder or symbolic link at `path` is refused, not replaced.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const problem = outputProblem(path);
  if (problem) throw new UsageError(`${quotePath(path)}: ${problem}`);
  const tmp = join(dirname(resolve(path)), `.${basename(path)}.tmp-${process.pid}-${Date.now().toString(36)}`);
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${quotePath(path)}: cannot be written (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** A one-line progress bar on a terminal stream; silent when the stream is not a TTY. */
export class ProgressBar {
  private lastDraw = 0;
  constructor(private readonly stream: NodeJS.WriteStream, private readonly label: string) {}

  get active(): boolean {
    return Boolean(this.stream.isTTY);
  }

  update(fraction: number, detail: string): void {
    if (!this.active) return;
    const now = Date.now();
    if (now - this.lastDraw < 80 && fraction < 1) return;
    this.lastDraw = now;
    const width = 30;
    const done = Math.round(Math.min(1, Math.max(0, fraction)) * width);
    this.stream.write(`\r${this.label} [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${detail}\x1b[K`);
  }

  done(): void {
    if (this.active) this.stream.write('\n');
  }
}
