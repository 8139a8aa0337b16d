import type { Header, Odometry, TFMessage, TransformStamped, Twist, TwistStamped, Vector3 } from '../node/messages.js';

/**
 * Decoders of the serialized (CDR, XCDR1) form of the two pose messages a controller takes in bulk, for
 * subscriptions that ask rclnodejs for the raw bytes: its own conversion of a message into a JS object costs about
 * 0.15 ms per TransformStamped and 0.45 ms per Odometry (`npm run bench:ros-intake`), which at thousands of poses a
 * period is more than the period. Plain objects of the shape rclnodejs gives; covariances are skipped.
 */

const utf8 = new TextDecoder('utf-8');

/** A cursor over one serialized message: a 4-byte encapsulation header, then fields aligned from its end. */
class Reader {
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  private readonly little: boolean;
  private at = 4;

  constructor(buffer: Uint8Array) {
    if (buffer.length < 4) throw new RangeError('a serialized message shorter than its 4-byte header');
    // Encapsulation: 0x0000 CDR big endian, 0x0001 CDR little endian (what every ROS 2 middleware sends).
    if (buffer[0] !== 0 || buffer[1] > 1) throw new RangeError(`unknown CDR encapsulation ${buffer[0]}.${buffer[1]}`);
    this.bytes = buffer;
    this.view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    this.little = buffer[1] === 1;
  }

  private align(n: number): void {
    this.at = 4 + Math.ceil((this.at - 4) / n) * n;
  }

  u32(): number {
    this.align(4);
    const v = this.view.getUint32(this.at, this.little);
    this.at += 4;
    return v;
  }

  i32(): number {
    this.align(4);
    const v = this.view.getInt32(this.at, this.little);
    this.at += 4;
    return v;
  }

  f64(): number {
    this.align(8);
    const v = this.view.getFloat64(this.at, this.little);
    this.at += 8;
    return v;
  }

  string(): string {
    const length = this.u32(); // with the terminating zero
    if (length === 0 || this.at + length > this.bytes.length) throw new RangeError('a string runs past the message');
    const s = utf8.decode(this.bytes.subarray(this.at, this.at + length - 1));
    this.at += length;
    return s;
  }

  /** Throws unless the whole buffer was read (up to the alignment padding a middleware may append). */
  end(): void {
    if (this.bytes.length - this.at >= 8) throw new RangeError('bytes left over after the message');
  }

  skip(doubles: number): void {
    this.align(8);
    this.at += 8 * doubles;
    if (this.at > this.bytes.length) throw new RangeError('a field runs past the message');
  }
}

/** tf2_msgs/msg/TFMessage from its serialized bytes; throws a RangeError on a truncated or foreign buffer. */
export function decodeTFMessage(buffer: Uint8Array): TFMessage {
  const r = new Reader(buffer);
  const count = r.u32();
  // Each transform takes at least 72 bytes: a count beyond that is a corrupt message, not an allocation to make.
  if (count > buffer.length / 72) throw new RangeError(`a TFMessage claiming ${count} transforms in ${buffer.length} bytes`);
  const transforms: TransformStamped[] = new Array<TransformStamped>(count);
  for (let k = 0; k < count; k++) {
    const sec = r.i32();
    const nanosec = r.u32();
    const frame = r.string();
    const child = r.string();
    const translation = { x: r.f64(), y: r.f64(), z: r.f64() };
    const rotation = { x: r.f64(), y: r.f64(), z: r.f64(), w: r.f64() };
    transforms[k] = { header: { stamp: { sec, nanosec }, frame_id: frame }, child_frame_id: child, transform: { translation, rotation } };
  }
  return { transforms };
}

/** nav_msgs/msg/Odometry from its serialized bytes (covariances skipped); throws a RangeError on a bad buffer. */
export function decodeOdometry(buffer: Uint8Array): Odometry {
  const r = new Reader(buffer);
  const sec = r.i32();
  const nanosec = r.u32();
  const frame = r.string();
  const child = r.string();
  const position = { x: r.f64(), y: r.f64(), z: r.f64() };
  const orientation = { x: r.f64(), y: r.f64(), z: r.f64(), w: r.f64() };
  r.skip(36);
  const linear = { x: r.f64(), y: r.f64(), z: r.f64() };
  const angular = { x: r.f64(), y: r.f64(), z: r.f64() };
  r.skip(36);
  return { header: { stamp: { sec, nanosec }, frame_id: frame }, child_frame_id: child, pose: { pose: { position, orientation } }, twist: { twist: { linear, angular } } };
}

/** geometry_msgs/msg/Twist from its serialized bytes; throws a RangeError on a bad buffer. */
export function decodeTwist(buffer: Uint8Array): Twist {
  const r = new Reader(buffer);
  const linear = { x: r.f64(), y: r.f64(), z: r.f64() };
  const angular = { x: r.f64(), y: r.f64(), z: r.f64() };
  r.end();
  return { linear, angular };
}

/** geometry_msgs/msg/TwistStamped from its serialized bytes; throws a RangeError on a bad buffer. */
export function decodeTwistStamped(buffer: Uint8Array): TwistStamped {
  const r = new Reader(buffer);
  const sec = r.i32();
  const nanosec = r.u32();
  const frame = r.string();
  const linear = { x: r.f64(), y: r.f64(), z: r.f64() };
  const angular = { x: r.f64(), y: r.f64(), z: r.f64() };
  r.end();
  return { header: { stamp: { sec, nanosec }, frame_id: frame }, twist: { linear, angular } };
}

/**
 * A growable little-endian CDR (XCDR1) writer: the 4-byte encapsulation header, then fields aligned from its end.
 * One per message kind, reused: `bytes()` copies out what was written (rclnodejs keeps the buffer it is given only
 * for the duration of the publish call, but a copy costs little against the conversion it replaces).
 */
class Writer {
  private buffer = new ArrayBuffer(256);
  private view = new DataView(this.buffer);
  private u8 = new Uint8Array(this.buffer);
  private at = 4;

  /** Starts a message: the little-endian CDR header. */
  begin(): this {
    this.at = 4;
    this.u8[0] = 0;
    this.u8[1] = 1;
    this.u8[2] = 0;
    this.u8[3] = 0;
    return this;
  }

  private room(n: number): void {
    if (this.at + n <= this.buffer.byteLength) return;
    const grown = new ArrayBuffer(Math.max(2 * this.buffer.byteLength, this.at + n));
    new Uint8Array(grown).set(this.u8);
    this.buffer = grown;
    this.view = new DataView(grown);
    this.u8 = new Uint8Array(grown);
  }

  private align(n: number): void {
    const to = 4 + Math.ceil((this.at - 4) / n) * n;
    this.room(to - this.at);
    this.u8.fill(0, this.at, to);
    this.at = to;
  }

  u32(v: number): void {
    this.align(4);
    this.room(4);
    this.view.setUint32(this.at, v >>> 0, true);
    this.at += 4;
  }

  i32(v: number): void {
    this.align(4);
    this.room(4);
    this.view.setInt32(this.at, v | 0, true);
    this.at += 4;
  }

  f64(v: number): void {
    this.align(8);
    this.room(8);
    this.view.setFloat64(this.at, v, true);
    this.at += 8;
  }

  string(s: string): void {
    const length = 3 * s.length + 1; // UTF-8 never takes more than 3 bytes per UTF-16 unit
    this.u32(0);
    const lengthAt = this.at - 4;
    this.room(length);
    const { written } = utf8Out.encodeInto(s, this.u8.subarray(this.at, this.at + length - 1));
    this.u8[this.at + written] = 0;
    this.view.setUint32(lengthAt, written + 1, true);
    this.at += written + 1;
  }

  /** The message written since `begin`, as a Buffer of its own (what rclnodejs publishes as serialized bytes). */
  bytes(): Buffer {
    return Buffer.from(this.u8.subarray(0, this.at));
  }
}

const utf8Out = new TextEncoder();
const out = new Writer();

/** A finite number, or 0 (an absent field is rclnodejs's default, 0). */
const num = (v: number | undefined): number => (typeof v === 'number' ? v : 0);

function header(w: Writer, h: Partial<Header> | undefined): void {
  w.i32(num(h?.stamp?.sec));
  w.u32(num(h?.stamp?.nanosec));
  w.string(typeof h?.frame_id === 'string' ? h.frame_id : '');
}

function vector3(w: Writer, v: Partial<Vector3> | undefined): void {
  w.f64(num(v?.x));
  w.f64(num(v?.y));
  w.f64(num(v?.z));
}

function twist(w: Writer, t: Partial<Twist> | undefined): void {
  vector3(w, t?.linear);
  vector3(w, t?.angular);
}

/** geometry_msgs/msg/Twist as serialized bytes (52: the header and six doubles). */
export function encodeTwist(m: Twist): Buffer {
  out.begin();
  twist(out, m);
  return out.bytes();
}

/** geometry_msgs/msg/TwistStamped as serialized bytes. */
export function encodeTwistStamped(m: TwistStamped): Buffer {
  out.begin();
  header(out, m.header);
  twist(out, m.twist);
  return out.bytes();
}

/** nav_msgs/msg/Odometry as serialized bytes (covariances zero). */
export function encodeOdometry(m: Odometry): Buffer {
  out.begin();
  header(out, m.header);
  out.string(typeof m.child_frame_id === 'string' ? m.child_frame_id : '');
  const p = m.pose?.pose;
  vector3(out, p?.position);
  const q = p?.orientation;
  out.f64(num(q?.x));
  out.f64(num(q?.y));
  out.f64(num(q?.z));
  out.f64(typeof q?.w === 'number' ? q.w : 1);
  for (let k = 0; k < 36; k++) out.f64(0);
  twist(out, m.twist?.twist);
  for (let k = 0; k < 36; k++) out.f64(0);
  return out.bytes();
}

/** tf2_msgs/msg/TFMessage as serialized bytes. */
export function encodeTFMessage(m: TFMessage): Buffer {
  out.begin();
  const transforms = m.transforms ?? [];
  out.u32(transforms.length);
  for (const t of transforms) {
    header(out, t.header);
    out.string(typeof t.child_frame_id === 'string' ? t.child_frame_id : '');
    vector3(out, t.transform?.translation);
    const q = t.transform?.rotation;
    out.f64(num(q?.x));
    out.f64(num(q?.y));
    out.f64(num(q?.z));
    out.f64(typeof q?.w === 'number' ? q.w : 1);
  }
  return out.bytes();
}
