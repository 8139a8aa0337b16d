import { readFileSync, statSync } from 'node:fs';

/** Why a file could not be read, in words that follow its name: 'not found', 'is not a regular file', ... */
export class FileReadError extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = 'FileReadError';
  }
}

/**
 * Reads a whole regular file of at most `maxBytes` bytes. Anything else is refused before a byte is read: a device
 * such as /dev/zero would fill the memory, a FIFO would block for ever.
 */
export function readRegularFile(path: string, maxBytes: number): Buffer {
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new FileReadError('is not a regular file');
    if (stats.size > maxBytes) throw new FileReadError(`is too large: ${stats.size} bytes (limit ${maxBytes})`);
    return readFileSync(path);
  } catch (e) {
    if (e instanceof FileReadError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileReadError(code === 'ENOENT' ? 'not found' : `cannot be read (${code ?? (e as Error).message})`);
  }
}
