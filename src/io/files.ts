import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Why a file could not be read, in words that follow its name: 'not found', 'is not a regular file', ... */
export class FileReadError extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = 'FileReadError';
  }
}

/**
 * Reads a whole regular file of at most `maxBytes` bytes. Anything else is refused before a byte is read: a device
 * such as /dev/zero would fill the memory, a FIFO would block for ever. The file is opened without blocking and
 * checked through its descriptor, so a file swapped for a FIFO after a check cannot hang the read either.
 */
export function readRegularFile(path: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileReadError(code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is not a regular file' : `cannot be read (${code ?? 'error'})`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new FileReadError('is not a regular file');
    if (stats.size > maxBytes) throw new FileReadError(`is too large: ${stats.size} bytes (limit ${maxBytes})`);
    // Read at most one byte more than the limit: a file that grew since fstat is caught, not read without end.
    const buffer = Buffer.alloc(stats.size + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) throw new FileReadError(`is too large: it grew while it was read (limit ${maxBytes})`);
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) throw new FileReadError(`is too large: more than ${maxBytes} bytes`);
    }
    return buffer.subarray(0, length);
  } catch (e) {
    if (e instanceof FileReadError) throw e;
    throw new FileReadError(`cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  } finally {
    closeSync(fd);
  }
}
