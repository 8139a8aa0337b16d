import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOdometry, decodeTFMessage, decodeTwist, decodeTwistStamped, encodeOdometry, encodeTFMessage, encodeTwist, encodeTwistStamped } from '../../src/ros/cdr.js';
import { tfMessageBytes } from '../../bench/shards.bench.js';

/** A CDR writer written from the spec for this test: encapsulation header, then fields aligned from its end. */
class Writer {
  private readonly bytes: number[] = [];
  constructor(private readonly little: boolean) {
    this.bytes.push(0, little ? 1 : 0, 0, 0);
  }
  private pad(n: number): void {
    while ((this.bytes.length - 4) % n !== 0) this.bytes.push(0);
  }
  private put(n: number, write: (v: DataView) => void): void {
    this.pad(n);
    const b = new DataView(new ArrayBuffer(n));
    write(b);
    for (let i = 0; i < n; i++) this.bytes.push(b.getUint8(i));
  }
  u32(v: number): this {
    this.put(4, (b) => b.setUint32(0, v, this.little));
    return this;
  }
  f64(v: number): this {
    this.put(8, (b) => b.setFloat64(0, v, this.little));
    return this;
  }
  str(s: string): this {
    const e = new TextEncoder().encode(s);
    this.u32(e.length + 1);
    this.bytes.push(...e, 0);
    return this;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

const transform = (w: Writer, sec: number, nanosec: number, frame: string, child: string, t: number[], q: number[]): Writer => {
  w.u32(sec).u32(nanosec).str(frame).str(child);
  for (const v of [...t, ...q]) w.f64(v);
  return w;
};

for (const little of [true, false]) {
  test(`TFMessage and Odometry decode from CDR (${little ? 'little' : 'big'} endian)`, () => {
    const w = new Writer(little).u32(2);
    transform(w, 12, 500_000_000, 'map', 'robot_0/base_link', [1.5, -2.25, 0], [0, 0, 0.6, 0.8]);
    transform(w, 13, 7, '/map', 'robot_17/base_link', [3, 4, 5], [0, 0, 0, 1]);
    const bytes = w.done();
    if (little) assert.equal(bytes.length, tfMessageBytes([{ header: { frame_id: 'map' }, child_frame_id: 'robot_0/base_link' }, { header: { frame_id: '/map' }, child_frame_id: 'robot_17/base_link' }]), 'the size the bench counts');
    assert.deepEqual(decodeTFMessage(bytes), {
      transforms: [
        { header: { stamp: { sec: 12, nanosec: 500_000_000 }, frame_id: 'map' }, child_frame_id: 'robot_0/base_link', transform: { translation: { x: 1.5, y: -2.25, z: 0 }, rotation: { x: 0, y: 0, z: 0.6, w: 0.8 } } },
        { header: { stamp: { sec: 13, nanosec: 7 }, frame_id: '/map' }, child_frame_id: 'robot_17/base_link', transform: { translation: { x: 3, y: 4, z: 5 }, rotation: { x: 0, y: 0, z: 0, w: 1 } } },
      ],
    });
    const o = new Writer(little).u32(3).u32(9).str('map').str('robot_2/base_link');
    for (const v of [0.5, 0.25, 0, 0, 0, 0.6, 0.8]) o.f64(v);
    for (let k = 0; k < 36; k++) o.f64(k);
    for (const v of [0.1, 0.2, 0, 0, 0, 0.3]) o.f64(v);
    for (let k = 0; k < 36; k++) o.f64(-k);
    assert.deepEqual(decodeOdometry(o.done()), {
      header: { stamp: { sec: 3, nanosec: 9 }, frame_id: 'map' },
      child_frame_id: 'robot_2/base_link',
      pose: { pose: { position: { x: 0.5, y: 0.25, z: 0 }, orientation: { x: 0, y: 0, z: 0.6, w: 0.8 } } },
      twist: { twist: { linear: { x: 0.1, y: 0.2, z: 0 }, angular: { x: 0, y: 0, z: 0.3 } } },
    });
  });
}

test('a truncated, oversized or foreign buffer is refused with a RangeError, never read past its end', () => {
  const w = new Writer(true).u32(1);
  const bytes = transform(w, 1, 0, 'map', 'robot_0/base_link', [0, 0, 0], [0, 0, 0, 1]).done();
  for (const cut of [0, 3, 8, 20, bytes.length - 1]) assert.throws(() => decodeTFMessage(bytes.subarray(0, cut)), RangeError, `cut at ${cut}`);
  assert.throws(() => decodeTFMessage(new Writer(true).u32(4_000_000_000).done()), /claiming 4000000000 transforms/);
  const foreign = Uint8Array.from(bytes);
  foreign[0] = 7;
  assert.throws(() => decodeTFMessage(foreign), /unknown CDR encapsulation/);
  const long = new Writer(true).u32(1).u32(1).u32(0).u32(1_000_000);
  for (let k = 0; k < 10; k++) long.f64(0); // long enough for one transform, but not for that string
  assert.throws(() => decodeTFMessage(long.done()), /runs past the message/);
});

test('Twist, TwistStamped, Odometry and TFMessage encode to the bytes of the spec writer (little endian), and decode back', () => {
  const twist = { linear: { x: 0.125, y: -0.5, z: 0 }, angular: { x: 0, y: 0, z: 1.75 } };
  const t = new Writer(true);
  for (const v of [0.125, -0.5, 0, 0, 0, 1.75]) t.f64(v);
  assert.deepEqual(new Uint8Array(encodeTwist(twist)), t.done());
  assert.equal(encodeTwist(twist).length, 52);
  // A frame name that is not ASCII (UTF-8 bytes, not UTF-16 units, are counted), and a negative stamp.
  const ts = new Writer(true).u32(-3 >>> 0).u32(999_999_999).str('карта');
  for (const v of [0.125, -0.5, 0, 0, 0, 1.75]) ts.f64(v);
  const stamped = { header: { stamp: { sec: -3, nanosec: 999_999_999 }, frame_id: 'карта' }, twist };
  assert.deepEqual(new Uint8Array(encodeTwistStamped(stamped)), ts.done());
  assert.deepEqual(decodeTwist(t.done()), twist);
  assert.deepEqual(decodeTwistStamped(ts.done()), stamped);
  for (const cut of [0, 3, 12, 51]) assert.throws(() => decodeTwist(t.done().subarray(0, cut)), RangeError, `Twist cut at ${cut}`);
  assert.throws(() => decodeTwist(ts.done()), /left over/, 'a TwistStamped is not a Twist');
  const odom = { header: { stamp: { sec: 3, nanosec: 9 }, frame_id: 'map' }, child_frame_id: 'robot_2/base_link', pose: { pose: { position: { x: 0.5, y: 0.25, z: 0 }, orientation: { x: 0, y: 0, z: 0.6, w: 0.8 } } }, twist: { twist } };
  const o = new Writer(true).u32(3).u32(9).str('map').str('robot_2/base_link');
  for (const v of [0.5, 0.25, 0, 0, 0, 0.6, 0.8]) o.f64(v);
  for (let k = 0; k < 36; k++) o.f64(0);
  for (const v of [0.125, -0.5, 0, 0, 0, 1.75]) o.f64(v);
  for (let k = 0; k < 36; k++) o.f64(0);
  assert.deepEqual(new Uint8Array(encodeOdometry(odom)), o.done());
  assert.deepEqual(decodeOdometry(encodeOdometry(odom)), odom);
  // Enough transforms to grow the writer's buffer several times; an empty message.
  const transforms = Array.from({ length: 300 }, (_, k) => ({ header: { stamp: { sec: k, nanosec: 7 * k }, frame_id: 'map' }, child_frame_id: `robot_${k}/base_link`, transform: { translation: { x: k / 8, y: -k, z: 0 }, rotation: { x: 0, y: 0, z: 0.6, w: 0.8 } } }));
  const w = new Writer(true).u32(300);
  for (const x of transforms) transform(w, x.header.stamp.sec, x.header.stamp.nanosec, 'map', x.child_frame_id, [x.transform.translation.x, x.transform.translation.y, 0], [0, 0, 0.6, 0.8]);
  assert.deepEqual(new Uint8Array(encodeTFMessage({ transforms })), w.done());
  assert.deepEqual(decodeTFMessage(encodeTFMessage({ transforms })), { transforms });
  assert.deepEqual(new Uint8Array(encodeTFMessage({ transforms: [] })), new Writer(true).u32(0).done());
  // Each call returns its own bytes: a later message does not overwrite an earlier one.
  const a = encodeTwist(twist);
  encodeTwist({ linear: { x: 9, y: 9, z: 9 }, angular: { x: 9, y: 9, z: 9 } });
  assert.deepEqual(new Uint8Array(a), t.done());
});

test('fields left out are encoded as rclnodejs defaults them: zero, an empty string, the identity rotation', () => {
  const partial = { header: { stamp: { sec: 1, nanosec: 0 }, frame_id: 'map' }, child_frame_id: 'r', pose: { pose: { position: { x: 1, y: 2, z: 0 } } }, twist: { twist: { linear: { x: 0.1 } } } } as never;
  const back = decodeOdometry(encodeOdometry(partial));
  assert.deepEqual(back.pose.pose.orientation, { x: 0, y: 0, z: 0, w: 1 });
  assert.deepEqual(back.twist.twist, { linear: { x: 0.1, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } });
  const tf = decodeTFMessage(encodeTFMessage({ transforms: [{ child_frame_id: 'r' } as never] }));
  assert.deepEqual(tf.transforms[0], { header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' }, child_frame_id: 'r', transform: { translation: { x: 0, y: 0, z: 0 }, rotation: { x: 0, y: 0, z: 0, w: 1 } } });
});
