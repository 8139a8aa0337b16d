import { inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';

/** Most pixels an image may have (e.g. 8192 x 4096): a header claiming more is refused before anything is allocated. */
const MAX_PIXELS = 2 ** 25;

/** Refuses a size that is not a positive integer pair or that exceeds MAX_PIXELS. */
function checkSize(format: string, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new Error(`${format} has an invalid size ${width} x ${height}`);
  if (width * height > MAX_PIXELS) throw new Error(`${format} is too large: ${width} x ${height} pixels (limit ${MAX_PIXELS})`);
}

/** A decoded grey-level image: intensities in [0, 1], row-major with row 0 at the top. */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  readonly values: Float64Array;
}

/** Decodes a binary (P5) or ASCII (P2) PGM. Throws naming the problem. */
export function decodePgm(bytes: Uint8Array): GreyImage {
  const text = (from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString('latin1');
  let pos = 0;
  const token = (): string => {
    for (;;) {
      while (pos < bytes.length && /\s/.test(String.fromCharCode(bytes[pos]))) pos++;
      if (bytes[pos] === 0x23) {
        while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
        continue;
      }
      break;
    }
    const start = pos;
    while (pos < bytes.length && !/\s/.test(String.fromCharCode(bytes[pos]))) pos++;
    if (start === pos) throw new Error('PGM header is truncated');
    return text(start, pos);
  };
  const magic = token();
  if (magic !== 'P5' && magic !== 'P2') throw new Error('not a PGM image (expected the magic number P5 or P2)');
  const width = Number(token());
  const height = Number(token());
  const maxval = Number(token());
  checkSize('PGM', width, height);
  if (!Number.isInteger(maxval) || maxval < 1 || maxval > 65535) throw new Error(`PGM has an invalid maxval ${maxval}`);
  const n = width * height;
  pos++; // the single whitespace after maxval
  // Every pixel takes at least one byte (a digit, for P2): check before allocating.
  const bpp = magic === 'P5' && maxval > 255 ? 2 : 1;
  if (bytes.length - pos < n * bpp) throw new Error(`PGM pixel data is truncated: ${Math.max(0, bytes.length - pos)} bytes for ${n} pixels`);
  const values = new Float64Array(n);
  if (magic === 'P5') {
    for (let k = 0; k < n; k++) {
      const v = bpp === 1 ? bytes[pos + k] : (bytes[pos + 2 * k] << 8) | bytes[pos + 2 * k + 1];
      if (v > maxval) throw new Error(`PGM pixel ${k} is invalid: ${v} (maxval ${maxval})`);
      values[k] = v / maxval;
    }
  } else {
    for (let k = 0; k < n; k++) {
      const v = Number(token());
      if (!Number.isInteger(v) || v < 0 || v > maxval) throw new Error(`PGM pixel ${k} is invalid: ${v}`);
      values[k] = v / maxval;
    }
  }
  return { width, height, values };
}

/** Channels per pixel of each PNG colour type. */
const PNG_CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7 passes: first column, first row, column step, row step. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

/**
 * Checks a PNG's size and the length of its pixel data before pngjs decodes it: pngjs allocates whatever the
 * header claims and fills missing pixel data with zeros.
 */
function checkPng(bytes: Uint8Array): void {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 33 || b.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a readable PNG image: no IHDR chunk');
  const width = b.readUInt32BE(16);
  const height = b.readUInt32BE(20);
  checkSize('PNG', width, height);
  const channels = PNG_CHANNELS[b[25]];
  const interlaced = b[28] === 1;
  if (channels === undefined) throw new Error(`not a readable PNG image: colour type ${b[25]}`);
  const idat: Buffer[] = [];
  for (let pos = 8; pos + 8 <= b.length; ) {
    const length = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    if (type === 'IEND') break;
    if (type === 'IDAT') idat.push(b.subarray(pos + 8, pos + 8 + length));
    pos += 12 + length;
  }
  const bits = b[24] * channels;
  let expected = 0;
  for (const [x0, y0, dx, dy] of interlaced ? ADAM7 : [[0, 0, 1, 1]]) {
    const w = Math.ceil((width - x0) / dx);
    const h = Math.ceil((height - y0) / dy);
    if (w > 0 && h > 0) expected += h * (1 + Math.ceil((w * bits) / 8));
  }
  let inflated: number;
  try {
    inflated = inflateSync(Buffer.concat(idat), { maxOutputLength: expected }).length;
  } catch (e) {
    // More data than the header says is tolerated, as decoders do; a stream that does not inflate is not.
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return;
    throw new Error(`not a readable PNG image: ${(e as Error).message}`);
  }
  if (inflated < expected) throw new Error(`PNG pixel data is truncated: ${inflated} bytes for ${expected}`);
}

/** Decodes a PNG (any colour type) to grey levels: the mean of R, G, B, times alpha. */
export function decodePng(bytes: Uint8Array): GreyImage {
  checkPng(bytes);
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes));
  } catch (e) {
    throw new Error(`not a readable PNG image: ${(e as Error).message}`);
  }
  const { width, height, data } = png;
  const values = new Float64Array(width * height);
  for (let k = 0; k < width * height; k++) {
    const r = data[4 * k];
    const g = data[4 * k + 1];
    const b = data[4 * k + 2];
    const a = data[4 * k + 3];
    values[k] = ((r + g + b) / (3 * 255)) * (a / 255);
  }
  return { width, height, values };
}

/** Decodes a PGM or PNG by its content. */
export function decodeImage(bytes: Uint8Array): GreyImage {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return decodePng(bytes);
  if (bytes.length >= 2 && bytes[0] === 0x50 && (bytes[1] === 0x35 || bytes[1] === 0x32)) return decodePgm(bytes);
  throw new Error('unsupported image format (expected PGM P5/P2 or PNG)');
}

/** Encodes grey levels in [0, 1] as a binary PGM (for tests and generated maps). */
export function encodePgm(img: GreyImage): Uint8Array {
  const header = Buffer.from(`P5\n${img.width} ${img.height}\n255\n`, 'latin1');
  const out = new Uint8Array(header.length + img.width * img.height);
  out.set(header, 0);
  for (let k = 0; k < img.values.length; k++) out[header.length + k] = Math.round(Math.min(1, Math.max(0, img.values[k])) * 255);
  return out;
}
