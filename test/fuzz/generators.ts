/**
 * Seeded generators of bad input for the fuzz test: junk values, mutated YAML documents and texts, broken messages
 * and broken images. Everything comes from one mulberry32 stream (src/engine/random.ts), so a seed reproduces
 * every input.
 */
import { PNG } from 'pngjs';
import { createRng } from '../../src/engine/random.js';
import type { Rng } from '../../src/engine/random.js';
import type { Box } from '../../src/engine/target/geometry.js';
import { encodePgm } from '../../src/io/image.js';
import { quaternionOfYaw } from '../../src/node/messages.js';
import { craftPng } from '../helpers.js';

/** A seeded source of fuzz decisions. */
export class Fuzz {
  private readonly rng: Rng;

  constructor(readonly seed: number) {
    this.rng = createRng(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.rng.next();
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rng.next() * (hi - lo + 1));
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.rng.next();
  }

  /** Log-uniform in [lo, hi], both positive. */
  logUniform(lo: number, hi: number): number {
    return lo * (hi / lo) ** this.rng.next();
  }

  chance(p: number): boolean {
    return this.rng.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rng.next() * items.length)];
  }

  /** Runs one of the generators, chosen with the given weights. */
  oneOf<T>(choices: readonly (readonly [number, () => T])[]): T {
    let u = this.rng.next() * choices.reduce((s, [w]) => s + w, 0);
    for (const [w, make] of choices) {
      if ((u -= w) < 0) return make();
    }
    return choices[choices.length - 1][1]();
  }

  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.int(0, 255));
  }
}

/** An input as text for a failure report: NaN, Infinity, -0, undefined and bigint spelled out, long strings cut. */
export function show(v: unknown): string {
  const text = JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'number' && (!Number.isFinite(x) || Object.is(x, -0))) return Object.is(x, -0) ? '-0' : String(x);
    if (typeof x === 'bigint') return `${x}n`;
    if (x === undefined) return 'undefined';
    if (x instanceof Uint8Array) return `<${x.length} bytes: ${Buffer.from(x.subarray(0, 40)).toString('hex')}${x.length > 40 ? '...' : ''}>`;
    if (typeof x === 'string' && x.length > 160) return `${x.slice(0, 160)}... (${x.length} chars)`;
    return x;
  });
  return text ?? String(v);
}

/** Non-finite and absurdly large numbers. */
export const ABSURD_NUMBERS: readonly number[] = [NaN, Infinity, -Infinity, 1e300, -1e300, Number.MAX_VALUE, -Number.MAX_VALUE, 1e7, -5e6];

/** A value that is not a number but could sit where one belongs in YAML or JSON. */
export function notANumber(f: Fuzz): unknown {
  return f.oneOf<unknown>([
    [3, () => f.pick(['', ' ', '1', '0.5', '-1', 'NaN', '.nan', '.inf', '1e400', '0x10', 'one', 'null', 'true'])],
    [1, () => 'x'.repeat(f.int(100, 20_000))],
    [2, () => f.chance(0.5)],
    [2, () => null],
    [2, () => f.pick<unknown>([[], [1], [0.5, 0.5], [NaN], [[1, 2], [3, 4]]])],
    [2, () => f.pick<unknown>([{}, { x: 1 }, { value: 0.5 }, { '': null }])],
  ]);
}

/** Any junk a YAML document can hold: absurd or edge numbers, or values of the wrong type. */
export function yamlJunk(f: Fuzz): unknown {
  return f.oneOf<unknown>([
    [3, () => f.pick(ABSURD_NUMBERS)],
    [2, () => f.pick([0, -0, -1, -0.5, 1e-300, -1e-300, 2.5, 1e9, 2 ** 53 + 2])],
    [5, () => notANumber(f)],
  ]);
}

/** Junk a JavaScript caller or a middleware could pass beyond YAML: also undefined and bigint. */
export function jsJunk(f: Fuzz): unknown {
  return f.oneOf<unknown>([
    [8, () => yamlJunk(f)],
    [1, () => undefined],
    [1, () => f.pick([0n, 1n, -1n, 10n ** 30n])],
  ]);
}

/** A key path into a parsed document. */
type DocPath = readonly (string | number)[];

/** Every key path below the root of a parsed YAML document (mappings and lists). */
function docPaths(doc: unknown, prefix: DocPath = []): DocPath[] {
  if (doc === null || typeof doc !== 'object') return [];
  const out: DocPath[] = [];
  const entries: [string | number, unknown][] = Array.isArray(doc) ? doc.map((v, i) => [i, v]) : Object.entries(doc);
  for (const [k, v] of entries) {
    const p = [...prefix, k];
    out.push(p, ...docPaths(v, p));
  }
  return out;
}

type Container = Record<string | number, unknown>;

function parentOf(doc: unknown, path: DocPath): Container {
  let node = doc as Container;
  for (const k of path.slice(0, -1)) node = node[k] as Container;
  return node;
}

/** Sets a key as an own property, even `__proto__`. */
function setOwn(obj: Container, key: string | number, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Keys that look like ones a scenario or a map file has, misspelt ones, and odd ones. */
const ODD_KEYS = ['domian', 'sigma_x', 'Domain', 'targets', 'weights', 'extra', '', ' ', '__proto__', 'constructor', 'toString', '1', 'x.y', 'é', 'count ', 'type'];

/** Applies 1 to 3 random mutations (delete, replace with junk, perturb, add a key, swap) to a copy of `doc`. */
export function mutateDoc(f: Fuzz, doc: unknown): { doc: unknown; ops: string[] } {
  const copy = structuredClone(doc);
  const ops: string[] = [];
  for (let n = f.int(1, 3); n > 0; n--) {
    const paths = docPaths(copy);
    if (paths.length === 0) break;
    const path = f.pick(paths);
    const parent = parentOf(copy, path);
    const key = path[path.length - 1];
    const where = path.join('.');
    const old = parent[key];
    f.oneOf<void>([
      [3, () => {
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key];
        ops.push(`delete ${where}`);
      }],
      [5, () => {
        const v = yamlJunk(f);
        setOwn(parent, key, v);
        ops.push(`${where} = ${show(v)}`);
      }],
      [3, () => {
        const v = typeof old === 'number' ? f.pick([-old, old * 1e300, old / 1e300, 0, old + 1, -1e-9, Math.round(old) + 0.5]) : f.pick<unknown>(['mixture', 'expression', 'map', 'gaussian', 'uniform', 'positions', 'target', 'auto', 'fixed', 'x + y']);
        setOwn(parent, key, v);
        ops.push(`${where} = ${show(v)}`);
      }],
      [2, () => {
        const target = old !== null && typeof old === 'object' && !Array.isArray(old) ? (old as Container) : parent;
        if (Array.isArray(target)) return;
        const k = f.pick(ODD_KEYS);
        const v = yamlJunk(f);
        setOwn(target, k, v);
        ops.push(`add ${JSON.stringify(k)}: ${show(v)} at ${target === parent ? path.slice(0, -1).join('.') || '(root)' : where}`);
      }],
      [1, () => {
        const other = f.pick(paths);
        const p2 = parentOf(copy, other);
        const k2 = other[other.length - 1];
        if (other.join('.').startsWith(where) || where.startsWith(other.join('.'))) return;
        const v2 = p2[k2];
        setOwn(p2, k2, old);
        setOwn(parent, key, v2);
        ops.push(`swap ${where} and ${other.join('.')}`);
      }],
    ]);
  }
  return { doc: copy, ops };
}

/** Tokens that break YAML structure when dropped into a text. */
const YAML_BREAKERS = ['{', '}', '[', ']', ':', ': :', '- ', '\t', '"', "'", '&a ', '*a', '*nope', '!!binary ', '!!int ', '? ', '%YAML 1.1\n', '\0', '\uFFFD', '#', '|', '>', '\n  ', '\n---\n', '\n...\n', '@', '`', '\r', '\\'];

/** Breaks a YAML text: truncation, stray structure tokens, lost or doubled lines, a BOM, binary bytes. */
export function corruptText(f: Fuzz, text: string): { text: string; op: string } {
  const at = f.int(0, text.length);
  const lines = text.split('\n');
  return f.oneOf<{ text: string; op: string }>([
    [3, () => ({ text: text.slice(0, at), op: `truncate at ${at}` })],
    [4, () => {
      const t = f.pick(YAML_BREAKERS);
      return { text: text.slice(0, at) + t + text.slice(at), op: `insert ${JSON.stringify(t)} at ${at}` };
    }],
    [2, () => {
      const i = f.int(0, lines.length - 1);
      return { text: [...lines.slice(0, i), lines[i], ...lines.slice(i)].join('\n'), op: `double line ${i}` };
    }],
    [1, () => {
      const i = f.int(0, lines.length - 1);
      return { text: [...lines.slice(0, i), ...lines.slice(i + 1)].join('\n'), op: `drop line ${i}` };
    }],
    [1, () => ({ text: '\uFEFF' + text, op: 'BOM' })],
    [1, () => ({ text: text.slice(0, at) + Buffer.from(f.bytes(f.int(1, 16))).toString('latin1') + text.slice(at), op: `binary bytes at ${at}` })],
  ]);
}

/** A whole document that is not a scenario or map at all: empty, a scalar, a list, deep nesting, an alias bomb. */
export function junkDocument(f: Fuzz): string {
  return f.oneOf<string>([
    [4, () => f.pick(['', ' ', '\n', '~', 'null', '42', '-1.5', '.nan', 'true', '"a string"', 'just words', '[1, 2]', '- a\n- b\n', '!!binary AAAA', '---\n---\n', '{}', '[]', '#only a comment\n'])],
    [1, () => {
      const n = f.int(50, 4000);
      return '['.repeat(n) + ']'.repeat(n);
    }],
    [1, () => {
      const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 0; i < 9; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`);
      return lines.join('\n');
    }],
    [1, () => Buffer.from(f.bytes(f.int(1, 200))).toString('latin1')],
  ]);
}

/** What a pose message generator made: the message, and the position it carries when it is a good one. */
export interface PoseInput {
  readonly message: unknown;
  readonly good: boolean;
  readonly x: number;
  readonly y: number;
  readonly what: string;
}

/** A quaternion no pose should be taken from: zero or tiny norm, non-finite or absurd components, missing fields. */
function badQuaternion(f: Fuzz): { q: unknown; what: string } {
  const u = quaternionOfYaw(f.uniform(-Math.PI, Math.PI));
  return f.oneOf<{ q: unknown; what: string }>([
    [3, () => ({ q: { x: 0, y: 0, z: 0, w: 0 }, what: 'zero quaternion' })],
    [1, () => ({ q: { x: 1e-200, y: 0, z: 1e-200, w: 1e-200 }, what: 'quaternion of norm 1e-200' })],
    [3, () => {
      const k = f.pick(['x', 'y', 'z', 'w'] as const);
      const v = f.pick([NaN, Infinity, -Infinity]);
      return { q: { ...u, [k]: v }, what: `quaternion ${k} = ${v}` };
    }],
    [1, () => ({ q: { x: 1e300, y: 1e300, z: 1e300, w: 1e300 }, what: 'quaternion of 1e300 components' })],
    [2, () => {
      const k = f.pick(['x', 'y', 'z', 'w'] as const);
      const v = notANumber(f);
      return { q: { ...u, [k]: v }, what: `quaternion ${k} = ${show(v)}` };
    }],
    [2, () => ({ q: f.pick<unknown>([undefined, null, {}, [0, 0, 0, 1], 'identity', 1]), what: 'orientation of the wrong shape' })],
  ]);
}

/**
 * One pose message for a robot: a good Odometry or PoseStamped inside or near `domain`, or a bad one (NaN, infinite
 * or absurd coordinates, values of the wrong type, a bad quaternion, missing fields, a message of the wrong shape).
 */
export function poseMessage(f: Fuzz, type: 'odometry' | 'pose_stamped', domain: Box, stamp: { sec: number; nanosec: number }): PoseInput {
  const wrap = (position: unknown, orientation: unknown): unknown => {
    const pose = { position, orientation };
    const header = { stamp, frame_id: 'map' };
    return type === 'odometry' ? { header, child_frame_id: 'base_link', pose: { pose, covariance: [] }, twist: { twist: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } } } } : { header, pose };
  };
  const pad = 0.1 * (domain.xmax - domain.xmin);
  const x = f.uniform(domain.xmin - pad, domain.xmax + pad);
  const y = f.uniform(domain.ymin - pad, domain.ymax + pad);
  const q = quaternionOfYaw(f.uniform(-Math.PI, Math.PI));
  return f.oneOf<PoseInput>([
    [8, () => ({ message: wrap({ x, y, z: 0 }, q), good: true, x, y, what: 'good pose' })],
    [1, () => {
      const far = { x: f.uniform(-100, 100), y: f.uniform(-100, 100) };
      return { message: wrap({ ...far, z: 0 }, q), good: true, ...far, what: 'good pose far outside the domain' };
    }],
    [4, () => {
      const k = f.pick(['x', 'y'] as const);
      const v = f.pick(ABSURD_NUMBERS);
      return { message: wrap({ x, y, z: 0, [k]: v }, q), good: false, x, y, what: `position ${k} = ${v}` };
    }],
    [3, () => {
      const k = f.pick(['x', 'y'] as const);
      const v = jsJunk(f);
      const good = typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= 1e6;
      return { message: wrap({ x, y, z: 0, [k]: v }, q), good, x: k === 'x' ? (v as number) : x, y: k === 'y' ? (v as number) : y, what: `position ${k} = ${show(v)}` };
    }],
    [4, () => {
      const b = badQuaternion(f);
      return { message: wrap({ x, y, z: 0 }, b.q), good: false, x, y, what: b.what };
    }],
    [3, () => {
      const m = f.pick<unknown>([
        null, undefined, 42, 'pose', [], {}, { pose: null }, { pose: {} }, { pose: { pose: null } }, { pose: { pose: {} } },
        { header: { stamp, frame_id: 'map' } }, wrap(null, q), wrap(undefined, q), wrap([x, y, 0], q), wrap('here', q), wrap({}, q),
      ]);
      return { message: m, good: false, x, y, what: `message ${show(m)}` };
    }],
  ]);
}

/** A map image file as bytes, with a description. */
export interface ImageInput {
  readonly bytes: Uint8Array;
  readonly ext: 'pgm' | 'png';
  readonly what: string;
}

/** A small valid PGM (P5 or P2) or PNG with random pixels. */
export function goodImage(f: Fuzz): ImageInput {
  const width = f.int(1, 24);
  const height = f.int(1, 24);
  const values = Float64Array.from({ length: width * height }, () => f.next());
  return f.oneOf<ImageInput>([
    [3, () => ({ bytes: encodePgm({ width, height, values }), ext: 'pgm', what: `P5 ${width}x${height}` })],
    [1, () => {
      const maxval = f.pick([1, 15, 255, 1000, 65535]);
      const px = Array.from(values, (v) => Math.round(v * maxval));
      return { bytes: Buffer.from(`P2\n# fuzz\n${width} ${height}\n${maxval}\n${px.join(' ')}\n`, 'latin1'), ext: 'pgm', what: `P2 ${width}x${height} maxval ${maxval}` };
    }],
    [1, () => {
      const maxval = 65535;
      const head = Buffer.from(`P5\n${width} ${height}\n${maxval}\n`, 'latin1');
      const data = Buffer.alloc(2 * width * height);
      values.forEach((v, k) => data.writeUInt16BE(Math.round(v * maxval), 2 * k));
      return { bytes: Buffer.concat([head, data]), ext: 'pgm', what: `P5 16-bit ${width}x${height}` };
    }],
    [3, () => {
      const png = new PNG({ width, height });
      for (let k = 0; k < width * height; k++) png.data.set([f.int(0, 255), f.int(0, 255), f.int(0, 255), f.int(0, 255)], 4 * k);
      return { bytes: PNG.sync.write(png, { colorType: f.pick([0, 2, 4, 6] as const) }), ext: 'png', what: `PNG ${width}x${height}` };
    }],
  ]);
}

/** Replaces one token of a PGM header (magic, width, height, maxval) with a bad one. */
function badPgmHeader(f: Fuzz): { bytes: Uint8Array; what: string } {
  const tokens = ['P5', '4', '3', '255'];
  const i = f.int(0, 3);
  tokens[i] = f.pick(i === 0 ? ['P6', 'P1', 'P3', 'XX', 'p5', ''] : ['0', '-1', '1.5', 'abc', '1e9', '100000', '', '99999999999999999999', i === 3 ? '65536' : '4x']);
  const data = Buffer.alloc(12, 128);
  return { bytes: Buffer.concat([Buffer.from(`${tokens.join(' ')}\n`, 'latin1'), data]), what: `PGM header ${tokens.join(' ')}` };
}

/**
 * A bad image: truncated or garbage bytes, a wrong magic or header, a size that is zero or huge next to a few
 * bytes of data, pixels above maxval, a PNG whose data is shorter than its header says. `surelyBad` is false for
 * byte flips and truncations that may still leave a readable image.
 */
export function badImage(f: Fuzz): ImageInput & { surelyBad: boolean; huge: boolean } {
  const bad = (bytes: Uint8Array, ext: 'pgm' | 'png', what: string, surelyBad = true, huge = false) => ({ bytes, ext, what, surelyBad, huge });
  return f.oneOf<ImageInput & { surelyBad: boolean; huge: boolean }>([
    [3, () => {
      const g = goodImage(f);
      const at = f.int(0, Math.max(0, g.bytes.length - 1));
      return bad(g.bytes.subarray(0, at), g.ext, `${g.what} truncated to ${at} bytes`, g.ext === 'png' || at < 16, false);
    }],
    [3, () => {
      const g = goodImage(f);
      const b = Uint8Array.from(g.bytes);
      const flips = f.int(1, 4);
      for (let k = 0; k < flips; k++) b[f.int(0, b.length - 1)] = f.int(0, 255);
      return bad(b, g.ext, `${g.what} with ${flips} bytes changed`, false);
    }],
    [2, () => bad(f.bytes(f.int(0, 300)), f.pick(['pgm', 'png'] as const), 'random bytes', false)],
    [1, () => bad(new Uint8Array(0), f.pick(['pgm', 'png'] as const), 'empty file')],
    [3, () => {
      const h = badPgmHeader(f);
      return bad(h.bytes, 'pgm', h.what);
    }],
    [2, () => {
      const magic = f.pick(['P5', 'P2']);
      const [w, h] = f.pick([[100000, 100000], [30000, 30000], [65535, 65535], [1, 2 ** 31], [9000, 9000]]);
      return bad(Buffer.from(`${magic}\n${w} ${h}\n255\n\x00\x01\x02`, 'latin1'), 'pgm', `${magic} header claiming ${w}x${h}`, true, true);
    }],
    [1, () => bad(Buffer.from('P5\n2 2\n100\n\x00\x32\x64\xc8', 'latin1'), 'pgm', 'P5 pixel above maxval')],
    [2, () => {
      const [w, h] = f.pick([[100000, 100000], [30000, 30000], [2 ** 32 - 1, 1], [9000, 9000]]);
      return bad(craftPng(w, h, new Uint8Array(10)), 'png', `PNG header claiming ${w}x${h}`, true, true);
    }],
    [2, () => {
      const w = f.int(2, 300);
      const h = f.int(2, 300);
      return bad(craftPng(w, h, new Uint8Array(f.int(0, w))), 'png', `PNG ${w}x${h} with one row of data or less`);
    }],
    [1, () => bad(craftPng(0, f.int(0, 10), new Uint8Array(4)), 'png', 'PNG of width 0')],
    [1, () => bad(craftPng(4, 4, new Uint8Array(20), { colourType: f.pick([1, 5, 7, 255]) }), 'png', 'PNG of an unknown colour type')],
  ]);
}
