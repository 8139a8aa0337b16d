import type { Odometry, TFMessage, TransformStamped } from '../node/messages.js';

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
