import { resolve } from 'node:path';
import { FileReadError, readRegularFile } from './files.js';
import { quotePath } from './quote.js';

/** Largest positions file read, bytes (100,000 pairs at full precision take 4 MB). */
export const MAX_POSITIONS_BYTES = 1 << 26;

/** An error in a positions file, naming the file (never quoting its contents). */
export class PositionsFileError extends Error {
  constructor(readonly file: string, readonly problem: string) {
    super(`${quotePath(file)}: ${problem}`);
    this.name = 'PositionsFileError';
  }
}

/**
 * Reads a JSON array of [x, y] pairs of finite numbers, guarded as the scenario loader is: only a regular file of at
 * most MAX_POSITIONS_BYTES (a device would fill the memory, a FIFO would block for ever), at most `maxCount` pairs.
 */
export function loadPositions(path: string, maxCount: number): Float64Array {
  let text: string;
  try {
    text = readRegularFile(resolve(path), MAX_POSITIONS_BYTES).toString('utf8');
  } catch (e) {
    const problem = (e as FileReadError).problem;
    throw new PositionsFileError(path, problem === 'not found' ? 'file not found' : `file ${problem}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // The parser's message quotes the text: say where only.
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    throw new PositionsFileError(path, `not valid JSON${at ? ` (at character ${at})` : ''}: it must be a JSON array of [x, y] pairs`);
  }
  if (!Array.isArray(doc)) throw new PositionsFileError(path, 'must be a JSON array of [x, y] pairs');
  if (doc.length === 0) throw new PositionsFileError(path, 'no positions');
  if (doc.length > maxCount) throw new PositionsFileError(path, `lists ${doc.length} positions, more than ${maxCount}`);
  const out = new Float64Array(2 * doc.length);
  doc.forEach((p: unknown, i) => {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new PositionsFileError(path, `entry ${i} must be a pair of finite numbers [x, y]`);
    }
    out[2 * i] = p[0] as number;
    out[2 * i + 1] = p[1] as number;
  });
  return out;
}
