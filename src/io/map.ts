import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import type { Raster } from '../engine/target/density.js';
import { FileReadError, readRegularFile } from './files.js';
import { decodeImage } from './image.js';
import { clip, nearMiss, quotePath, shapeOf, yamlProblem } from './quote.js';

/** Largest map YAML read, bytes (map_server files are a few lines). */
const MAX_YAML_BYTES = 1 << 20;
/** Largest image file read, bytes (an ASCII PGM at the pixel limit fits). */
const MAX_IMAGE_BYTES = 1 << 28;
/** map_server's interpretations of the pixels (this loader always reads intensities as the density). */
const MODES = ['trinary', 'scale', 'raw'];

/** A map_server-style map description, with the image decoded. */
export interface MapFile {
  /** Absolute path of the YAML file. */
  readonly path: string;
  /** Absolute path of its image. */
  readonly imagePath: string;
  readonly raster: Raster;
  /** Whether intensities were inverted (map_server's `negate`). */
  readonly negate: boolean;
  readonly occupiedThresh: number;
  readonly freeThresh: number;
}

/** An error in a map file, naming the file and, where it applies, the key. */
export class MapFileError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${quotePath(file)}: ${message}`);
    this.name = 'MapFileError';
  }
}

/**
 * Loads a ROS map_server YAML (image, resolution, origin [x, y, yaw], negate, occupied_thresh, free_thresh) and
 * its PGM or PNG image. As a density, a pixel's intensity (white = 1) is the target value; `negate: 1` inverts it.
 */
export function loadMapFile(path: string): MapFile {
  const file = resolve(path);
  let doc: unknown;
  try {
    doc = parse(readRegularFile(file, MAX_YAML_BYTES).toString('utf8'));
  } catch (e) {
    throw new MapFileError(file, e instanceof FileReadError ? `file ${e.problem}` : yamlProblem(e));
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new MapFileError(file, `is not a map: a map is a YAML mapping with image, resolution and origin, this is ${shapeOf(doc)}`);
  const m = doc as Record<string, unknown>;
  const known = ['image', 'resolution', 'origin', 'negate', 'occupied_thresh', 'free_thresh', 'mode'];
  for (const k of Object.keys(m)) {
    if (known.includes(k)) continue;
    const near = nearMiss(k, known);
    // Only a misspelt key is quoted: any other may be a line of a file that is no map at all.
    throw new MapFileError(file, near ? `unknown key '${k}' (did you mean '${near}'? expected ${known.join(', ')})` : `is not a map: it has a key that is not one of ${known.join(', ')}`);
  }
  if (typeof m.image !== 'string' || m.image === '') throw new MapFileError(file, "key 'image' must name the image file");
  if (typeof m.resolution !== 'number' || !(m.resolution > 0) || !Number.isFinite(m.resolution)) {
    throw new MapFileError(file, `key 'resolution' must be a positive number of metres per pixel, got ${shapeOf(m.resolution)}`);
  }
  const origin = m.origin ?? [0, 0, 0];
  if (!Array.isArray(origin) || origin.length < 2 || origin.length > 3 || !origin.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new MapFileError(file, "key 'origin' must be [x, y] or [x, y, yaw] in metres");
  }
  if (origin.length === 3 && origin[2] !== 0) throw new MapFileError(file, "key 'origin': a rotated map (yaw != 0) is not supported");
  const negate = m.negate === undefined ? false : m.negate === 1 || m.negate === true ? true : m.negate === 0 || m.negate === false ? false : null;
  if (negate === null) throw new MapFileError(file, "key 'negate' must be 0 or 1");
  if (m.mode !== undefined && !MODES.includes(m.mode as string)) throw new MapFileError(file, `key 'mode' must be one of ${MODES.join(', ')}`);
  const thresh = (key: string, def: number): number => {
    const v = m[key] ?? def;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new MapFileError(file, `key '${key}' must be a number in [0, 1]`);
    return v;
  };
  const imagePath = isAbsolute(m.image) ? m.image : resolve(dirname(file), m.image);
  let bytes: Uint8Array;
  try {
    bytes = readRegularFile(imagePath, MAX_IMAGE_BYTES);
  } catch (e) {
    throw new MapFileError(file, `key 'image': cannot read ${quotePath(imagePath)} (${(e as FileReadError).problem})`);
  }
  let img;
  try {
    img = decodeImage(bytes);
  } catch (e) {
    throw new MapFileError(file, `key 'image': ${quotePath(imagePath)}: ${clip((e as Error).message, 200)}`);
  }
  const values = negate ? img.values.map((v) => 1 - v) : img.values;
  return {
    path: file,
    imagePath,
    raster: { width: img.width, height: img.height, values, resolution: m.resolution, origin: [origin[0] as number, origin[1] as number] },
    negate,
    occupiedThresh: thresh('occupied_thresh', 0.65),
    freeThresh: thresh('free_thresh', 0.196),
  };
}
