import { renameSync, rmSync, writeFileSync } from 'node:fs';

/** Writes a file atomically (temporary file, then rename), so that a failed run never leaves half a file. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
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
