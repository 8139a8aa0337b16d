import { PNG } from 'pngjs';

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
  if (magic !== 'P5' && magic !== 'P2') throw new Error(`not a PGM image (magic '${magic.slice(0, 2)}', expected P5 or P2)`);
  const width = Number(token());
  const height = Number(token());
  const maxval = Number(token());
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new Error(`PGM has an invalid size ${width} x ${height}`);
  if (!Number.isInteger(maxval) || maxval < 1 || maxval > 65535) throw new Error(`PGM has an invalid maxval ${maxval}`);
  const n = width * height;
  const values = new Float64Array(n);
  if (magic === 'P5') {
    pos++; // the single whitespace after maxval
    const bpp = maxval > 255 ? 2 : 1;
    if (bytes.length - pos < n * bpp) throw new Error(`PGM pixel data is truncated: ${bytes.length - pos} bytes for ${n} pixels`);
    for (let k = 0; k < n; k++) {
      const v = bpp === 1 ? bytes[pos + k] : (bytes[pos + 2 * k] << 8) | bytes[pos + 2 * k + 1];
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

/** Decodes a PNG (any colour type) to grey levels: the mean of R, G, B, times alpha. */
export function decodePng(bytes: Uint8Array): GreyImage {
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
