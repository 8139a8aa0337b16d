import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** Absolute path of a file under test/fixtures. */
export function fixture(...parts: string[]): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'fixtures', ...parts);
}

/** Parsed JSON fixture. */
export function readJsonFixture<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(fixture(...parts), 'utf8')) as T;
}

/** Largest |a_i - b_i| over 2-vectors divided by the largest |b_i|. */
export function relativeMaxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i += 2) {
    err = Math.max(err, Math.hypot(a[i] - b[i], a[i + 1] - b[i + 1]));
    scale = Math.max(scale, Math.hypot(b[i], b[i + 1]));
  }
  return err / scale;
}
