import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

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

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A PNG written chunk by chunk with valid CRCs, whose header says `width` x `height` whatever `raw` (the filtered
 * rows: a filter byte, then the pixels) holds. Options: colour type (default 0, grey), bit depth (8), interlace (0).
 */
export function craftPng(width: number, height: number, raw: Uint8Array, o: { colourType?: number; depth?: number; interlace?: number } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width >>> 0, 0);
  ihdr.writeUInt32BE(height >>> 0, 4);
  ihdr[8] = o.depth ?? 8;
  ihdr[9] = o.colourType ?? 0;
  ihdr[12] = o.interlace ?? 0;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', new Uint8Array(0))]);
}
