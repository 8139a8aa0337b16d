/**
 * A delay line for pose measurements: one FIFO per robot, all in one typed array, so that a swarm of 1,000 robots
 * at 50 Hz with seconds of delay allocates nothing per message. The storage doubles when a robot's FIFO is full
 * and keeps its largest size.
 */

/** One pose measurement going through the delay line (a reusable record: nothing is allocated per message). */
export interface PoseMeasurement {
  /** Measurement time, s (the message's header stamp). */
  stamp: number;
  /** Measured x, m. */
  x: number;
  /** Measured y, m. */
  y: number;
  /** Measured yaw, rad. */
  yaw: number;
  /** Body-frame forward velocity applied at the measurement time, m/s. */
  vx: number;
  /** Body-frame leftward velocity applied at the measurement time, m/s. */
  vy: number;
  /** Yaw rate applied at the measurement time, rad/s. */
  w: number;
}

/** A zeroed measurement record. */
export function createPoseMeasurement(): PoseMeasurement {
  return { stamp: 0, x: 0, y: 0, yaw: 0, vx: 0, vy: 0, w: 0 };
}

// Layout of one slot: due time, then the measurement's fields.
const DUE = 0;
const STAMP = 1;
const X = 2;
const Y = 3;
const YAW = 4;
const VX = 5;
const VY = 6;
const W = 7;
const STRIDE = 8;

/**
 * Per-robot FIFOs of pose measurements, each with the time it is due. A robot's measurements leave in the order
 * they entered: only the oldest can be taken, so one that is due waits for those queued ahead of it.
 */
export class PoseDelayLine {
  /** Number of robots. */
  readonly robotCount: number;
  private slots: Float64Array;
  private capacity: number;
  private readonly head: Int32Array;
  private readonly length: Int32Array;
  private queued = 0;

  /** `initialCapacity`: slots per robot to start with (they double as needed). */
  constructor(robotCount: number, initialCapacity = 4) {
    if (!Number.isInteger(robotCount) || robotCount < 0) throw new Error(`robot count must be a non-negative integer, got ${robotCount}`);
    if (!Number.isInteger(initialCapacity) || initialCapacity < 1) throw new Error(`initial capacity must be a positive integer, got ${initialCapacity}`);
    this.robotCount = robotCount;
    this.capacity = initialCapacity;
    this.slots = new Float64Array(robotCount * initialCapacity * STRIDE);
    this.head = new Int32Array(robotCount);
    this.length = new Int32Array(robotCount);
  }

  /** Measurements queued, all robots together. */
  get size(): number {
    return this.queued;
  }

  /** Queues robot `i`'s measurement `m` (copied), due at `due` s, behind the robot's earlier ones. */
  push(i: number, due: number, m: PoseMeasurement): void {
    if (this.length[i] === this.capacity) this.grow();
    const s = this.slots;
    const o = this.slotOffset(i, (this.head[i] + this.length[i]) % this.capacity);
    s[o + DUE] = due;
    s[o + STAMP] = m.stamp;
    s[o + X] = m.x;
    s[o + Y] = m.y;
    s[o + YAW] = m.yaw;
    s[o + VX] = m.vx;
    s[o + VY] = m.vy;
    s[o + W] = m.w;
    this.length[i]++;
    this.queued++;
  }

  /** Due time of robot `i`'s oldest queued measurement, s (the next it can deliver); Infinity when it has none. */
  nextDue(i: number): number {
    return this.length[i] === 0 ? Infinity : this.slots[this.slotOffset(i, this.head[i]) + DUE];
  }

  /** Removes robot `i`'s oldest queued measurement and writes it into `out`. Throws when it has none. */
  shift(i: number, out: PoseMeasurement): PoseMeasurement {
    if (this.length[i] === 0) throw new Error(`robot ${i} has no queued measurement`);
    const s = this.slots;
    const o = this.slotOffset(i, this.head[i]);
    out.stamp = s[o + STAMP];
    out.x = s[o + X];
    out.y = s[o + Y];
    out.yaw = s[o + YAW];
    out.vx = s[o + VX];
    out.vy = s[o + VY];
    out.w = s[o + W];
    this.head[i] = (this.head[i] + 1) % this.capacity;
    this.length[i]--;
    this.queued--;
    return out;
  }

  private slotOffset(robot: number, slot: number): number {
    return (robot * this.capacity + slot) * STRIDE;
  }

  /** Doubles every robot's FIFO, moving each robot's queue to the start of its new block. */
  private grow(): void {
    const oldCapacity = this.capacity;
    const old = this.slots;
    const capacity = oldCapacity * 2;
    const slots = new Float64Array(this.robotCount * capacity * STRIDE);
    for (let r = 0; r < this.robotCount; r++) {
      for (let k = 0; k < this.length[r]; k++) {
        const from = (r * oldCapacity + ((this.head[r] + k) % oldCapacity)) * STRIDE;
        slots.set(old.subarray(from, from + STRIDE), (r * capacity + k) * STRIDE);
      }
      this.head[r] = 0;
    }
    this.slots = slots;
    this.capacity = capacity;
  }
}
