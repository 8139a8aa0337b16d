/**
 * Messages kept off the JS heap: each message (plain objects, arrays, numbers, strings, booleans, null) flattened into
 * three typed streams (a tag byte per value, 32-bit string / key-set / length indices, 64-bit numbers), so that a
 * recording of 1.5 million odometry messages neither lives on the heap it measures nor costs its GC anything. Numbers
 * are kept bit for bit (a Float64Array), objects keep their key order. Strings and key sets are interned.
 */

const NUM = 0;
const STR = 1;
const TRUE = 2;
const FALSE = 3;
const NULL = 4;
const UNDEF = 5;
const ARR = 6;
const OBJ = 7;

/** A message store as plain data (what `v8.serialize` writes). */
export interface StoreData {
  readonly strings: string[];
  /** Key sets, each a list of string indices. */
  readonly keySets: number[][];
  readonly tags: Uint8Array;
  readonly ints: Uint32Array;
  readonly nums: Float64Array;
  /** Per message: where its tags, ints and nums start (3 entries; one more message's worth at the end). */
  readonly offsets: Uint32Array;
}

/** One level of the key-set trie: the key set ending here, and the next keys. */
interface KeyNode {
  id: number;
  next: Map<string, KeyNode>;
}

function grow<T extends Uint8Array | Uint32Array | Float64Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, 2 * a.length));
  b.set(a);
  return b;
}

/** An append-only store of messages, each addressed by its index. */
export class MessageStore {
  private strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  private keySets: number[][] = [];
  /** Key sets by their keys in order (a trie walked with for...in: no per-message allocation). */
  private readonly keyRoot: KeyNode = { id: -1, next: new Map() };
  private tags: Uint8Array = new Uint8Array(1 << 16);
  private ints: Uint32Array = new Uint32Array(1 << 14);
  private nums: Float64Array = new Float64Array(1 << 14);
  private offsets: Uint32Array = new Uint32Array(3 << 10);
  private nt = 0;
  private ni = 0;
  private nn = 0;
  private count = 0;

  /** Messages stored. */
  get size(): number {
    return this.count;
  }

  /** Bytes of the streams in use. */
  get bytes(): number {
    return this.nt + 4 * this.ni + 8 * this.nn + 12 * this.count;
  }

  /** Stores a message; returns its index. Throws on a value that is no plain data (a function, a typed array, a bigint...). */
  add(message: unknown): number {
    this.offsets = grow(this.offsets, 3 * this.count + 3);
    this.offsets[3 * this.count] = this.nt;
    this.offsets[3 * this.count + 1] = this.ni;
    this.offsets[3 * this.count + 2] = this.nn;
    this.put(message);
    return this.count++;
  }

  /** A fresh copy of message `id`. */
  get(id: number): unknown {
    if (!(id >= 0 && id < this.count)) throw new Error(`no message ${id} in the store (${this.count} stored)`);
    const at = { t: this.offsets[3 * id], i: this.offsets[3 * id + 1], n: this.offsets[3 * id + 2] };
    return this.take(at);
  }

  /** Whether `value` equals message `id` exactly (numbers by Object.is: -0 and NaN told apart; same keys in the same order). Allocates nothing but a cursor. */
  equals(id: number, value: unknown): boolean {
    if (!(id >= 0 && id < this.count)) return false;
    const at = { t: this.offsets[3 * id], i: this.offsets[3 * id + 1], n: this.offsets[3 * id + 2] };
    return this.same(at, value);
  }

  /** The store as plain data, holding only messages `ids` (in that order, renumbered from 0). */
  subset(ids: ArrayLike<number>): StoreData {
    let nt = 0;
    let ni = 0;
    let nn = 0;
    for (let k = 0; k < ids.length; k++) {
      const [t0, i0, n0, t1, i1, n1] = this.span(ids[k]);
      nt += t1 - t0;
      ni += i1 - i0;
      nn += n1 - n0;
    }
    const tags = new Uint8Array(nt);
    const ints = new Uint32Array(ni);
    const nums = new Float64Array(nn);
    const offsets = new Uint32Array(3 * ids.length + 3);
    nt = ni = nn = 0;
    for (let k = 0; k < ids.length; k++) {
      const [t0, i0, n0, t1, i1, n1] = this.span(ids[k]);
      offsets.set([nt, ni, nn], 3 * k);
      tags.set(this.tags.subarray(t0, t1), nt);
      ints.set(this.ints.subarray(i0, i1), ni);
      nums.set(this.nums.subarray(n0, n1), nn);
      nt += t1 - t0;
      ni += i1 - i0;
      nn += n1 - n0;
    }
    offsets.set([nt, ni, nn], 3 * ids.length);
    return { strings: this.strings, keySets: this.keySets, tags, ints, nums, offsets };
  }

  /** A store read back from `subset`'s data. */
  static from(d: StoreData): MessageStore {
    const s = new MessageStore();
    s.strings = d.strings;
    s.keySets = d.keySets;
    s.tags = d.tags;
    s.ints = d.ints;
    s.nums = d.nums;
    s.offsets = d.offsets;
    s.count = (d.offsets.length - 3) / 3;
    s.nt = d.tags.length;
    s.ni = d.ints.length;
    s.nn = d.nums.length;
    return s;
  }

  private span(id: number): [number, number, number, number, number, number] {
    const o = this.offsets;
    const end = id + 1 < this.count ? 3 * (id + 1) : -1;
    return [o[3 * id], o[3 * id + 1], o[3 * id + 2], end < 0 ? this.nt : o[end], end < 0 ? this.ni : o[end + 1], end < 0 ? this.nn : o[end + 2]];
  }

  private intern(s: string): number {
    let k = this.stringIndex.get(s);
    if (k === undefined) {
      k = this.strings.length;
      this.strings.push(s);
      this.stringIndex.set(s, k);
    }
    return k;
  }

  private tag(t: number): void {
    if (this.nt === this.tags.length) this.tags = grow(this.tags, this.nt + 1);
    this.tags[this.nt++] = t;
  }

  private int(x: number): void {
    if (this.ni === this.ints.length) this.ints = grow(this.ints, this.ni + 1);
    this.ints[this.ni++] = x;
  }

  private put(v: unknown): void {
    switch (typeof v) {
      case 'number':
        this.tag(NUM);
        if (this.nn === this.nums.length) this.nums = grow(this.nums, this.nn + 1);
        this.nums[this.nn++] = v;
        return;
      case 'string':
        this.tag(STR);
        this.int(this.intern(v));
        return;
      case 'boolean':
        this.tag(v ? TRUE : FALSE);
        return;
      case 'undefined':
        this.tag(UNDEF);
        return;
      case 'object':
        if (v === null) {
          this.tag(NULL);
          return;
        }
        if (Array.isArray(v)) {
          this.tag(ARR);
          this.int(v.length);
          for (let k = 0; k < v.length; k++) this.put(v[k]);
          return;
        }
        if (Object.getPrototypeOf(v) === Object.prototype) {
          const o = v as Record<string, unknown>;
          let node = this.keyRoot;
          for (const key in o) {
            let next = node.next.get(key);
            if (!next) {
              next = { id: -1, next: new Map() };
              node.next.set(key, next);
            }
            node = next;
          }
          if (node.id < 0) {
            node.id = this.keySets.length;
            const keys: number[] = [];
            for (const key in o) keys.push(this.intern(key));
            this.keySets.push(keys);
          }
          this.tag(OBJ);
          this.int(node.id);
          for (const key in o) this.put(o[key]);
          return;
        }
        throw new Error(`cannot store a ${(v as object).constructor?.name ?? 'object without prototype'} (plain objects, arrays, numbers, strings and booleans only)`);
      default:
        throw new Error(`cannot store a ${typeof v} (plain objects, arrays, numbers, strings and booleans only)`);
    }
  }

  private take(at: { t: number; i: number; n: number }): unknown {
    switch (this.tags[at.t++]) {
      case NUM:
        return this.nums[at.n++];
      case STR:
        return this.strings[this.ints[at.i++]];
      case TRUE:
        return true;
      case FALSE:
        return false;
      case NULL:
        return null;
      case UNDEF:
        return undefined;
      case ARR: {
        const a: unknown[] = new Array(this.ints[at.i++]);
        for (let k = 0; k < a.length; k++) a[k] = this.take(at);
        return a;
      }
      default: {
        const keys = this.keySets[this.ints[at.i++]];
        const o: Record<string, unknown> = {};
        for (const key of keys) o[this.strings[key]] = this.take(at);
        return o;
      }
    }
  }

  private same(at: { t: number; i: number; n: number }, v: unknown): boolean {
    switch (this.tags[at.t++]) {
      case NUM:
        return Object.is(this.nums[at.n++], v);
      case STR:
        return this.strings[this.ints[at.i++]] === v;
      case TRUE:
        return v === true;
      case FALSE:
        return v === false;
      case NULL:
        return v === null;
      case UNDEF:
        return v === undefined;
      case ARR: {
        const n = this.ints[at.i++];
        if (!Array.isArray(v) || v.length !== n) return false;
        for (let k = 0; k < n; k++) if (!this.same(at, v[k])) return false;
        return true;
      }
      default: {
        const keys = this.keySets[this.ints[at.i++]];
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
        const o = v as Record<string, unknown>;
        let k = 0;
        for (const key in o) {
          if (k >= keys.length || this.strings[keys[k]] !== key) return false;
          if (!this.same(at, o[key])) return false;
          k++;
        }
        return k === keys.length;
      }
    }
  }
}
