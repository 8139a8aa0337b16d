/**
 * A stand-in for the parts of rclnodejs 2.x the adapter uses, for tests on machines without ROS. It reproduces the
 * behaviours that bite: timer periods must be bigint nanoseconds, INTEGER parameters are BigInt, a
 * FloatingPointRange's step defaults to 1 (so 2.5 is out of [0, 10] unless step is 0), set-parameter callbacks run
 * at declaration too and the first veto wins, parameter types must match exactly, read-only parameters refuse
 * changes, and the module installs its own signal handlers until removeSignalHandlers() is called.
 */
import { decodeOdometry, decodeTFMessage, encodeOdometry, encodeTFMessage, encodeTwist, encodeTwistStamped } from '../../src/ros/cdr.js';

export const ParameterType = {
  PARAMETER_NOT_SET: 0,
  PARAMETER_BOOL: 1,
  PARAMETER_INTEGER: 2,
  PARAMETER_DOUBLE: 3,
  PARAMETER_STRING: 4,
  PARAMETER_BYTE_ARRAY: 5,
  PARAMETER_BOOL_ARRAY: 6,
  PARAMETER_INTEGER_ARRAY: 7,
  PARAMETER_DOUBLE_ARRAY: 8,
  PARAMETER_STRING_ARRAY: 9,
} as const;

function typeMatches(type: number, v: unknown): boolean {
  switch (type) {
    case ParameterType.PARAMETER_BOOL:
      return typeof v === 'boolean';
    case ParameterType.PARAMETER_INTEGER:
      return typeof v === 'bigint';
    case ParameterType.PARAMETER_DOUBLE:
      return typeof v === 'number';
    case ParameterType.PARAMETER_STRING:
      return typeof v === 'string';
    case ParameterType.PARAMETER_STRING_ARRAY:
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case ParameterType.PARAMETER_DOUBLE_ARRAY:
      return Array.isArray(v) && v.every((x) => typeof x === 'number');
    default:
      return false;
  }
}

export class Parameter {
  constructor(readonly name: string, readonly type: number, public value?: unknown) {}
}

export class FloatingPointRange {
  constructor(readonly fromValue: number, readonly toValue: number, readonly step = 1, readonly tolerance = 1e-6) {}
  inRange(v: number): boolean {
    if (v < this.fromValue - this.tolerance || v > this.toValue + this.tolerance) return false;
    if (this.step === 0) return true;
    const k = (v - this.fromValue) / this.step;
    return Math.abs(k - Math.round(k)) <= this.tolerance;
  }
}

export class IntegerRange {
  constructor(readonly fromValue: bigint, readonly toValue: bigint, readonly step = 1n) {}
  inRange(v: bigint): boolean {
    return v >= this.fromValue && v <= this.toValue && (v - this.fromValue) % this.step === 0n;
  }
}

export class ParameterDescriptor {
  constructor(
    readonly name: string,
    readonly type: number,
    readonly description = '',
    readonly readOnly = false,
    readonly range?: FloatingPointRange | IntegerRange,
  ) {}
}

export class QoS {
  static HistoryPolicy = { RMW_QOS_POLICY_HISTORY_SYSTEM_DEFAULT: 0, RMW_QOS_POLICY_HISTORY_KEEP_LAST: 1, RMW_QOS_POLICY_HISTORY_KEEP_ALL: 2 };
  static ReliabilityPolicy = { RMW_QOS_POLICY_RELIABILITY_SYSTEM_DEFAULT: 0, RMW_QOS_POLICY_RELIABILITY_RELIABLE: 1, RMW_QOS_POLICY_RELIABILITY_BEST_EFFORT: 2 };
  static DurabilityPolicy = { RMW_QOS_POLICY_DURABILITY_SYSTEM_DEFAULT: 0, RMW_QOS_POLICY_DURABILITY_TRANSIENT_LOCAL: 1, RMW_QOS_POLICY_DURABILITY_VOLATILE: 2 };
  constructor(readonly history = 0, readonly depth = 0, private readonly rel = 0, private readonly dur = 0) {}
  reliability(): number {
    return this.rel;
  }
  durability(): number {
    return this.dur;
  }
}

type SetResult = { successful: boolean; reason: string };
type Entry = { param: Parameter; descriptor: ParameterDescriptor };

/**
 * A node of the stand-in: records publications, delivers injected messages, fires timers on a manual clock. Its
 * parameter path follows rclnodejs 2.2's order, as seen on a real graph: pre-set callbacks (each may rewrite the
 * batch), then its own check (undeclared, read-only, then type and range against the descriptor, refused with
 * rclnodejs's garbled "does not  readonly"), then the set callbacks (first veto wins).
 */
/**
 * A serialized message as the subscriber's rclnodejs would give it: geometry_msgs Twist and TwistStamped read here
 * from the CDR spec (little endian, fields aligned from the end of the 4-byte header); the pose messages by the
 * decoders of src/ros/cdr.ts (tested on their own against a writer from the spec).
 */
export function fromSerialized(type: string, bytes: Uint8Array): unknown {
  if (bytes[0] !== 0 || bytes[1] !== 1) throw new Error(`fake rclnodejs: a serialized ${type} that is not little-endian CDR`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 4;
  const align = (n: number) => (at = 4 + Math.ceil((at - 4) / n) * n);
  const f64 = () => (align(8), (at += 8), view.getFloat64(at - 8, true));
  const u32 = () => (align(4), (at += 4), view.getUint32(at - 4, true));
  const str = () => {
    const n = u32();
    const s = new TextDecoder().decode(bytes.subarray(at, at + n - 1));
    at += n;
    return s;
  };
  const twist = () => ({ linear: { x: f64(), y: f64(), z: f64() }, angular: { x: f64(), y: f64(), z: f64() } });
  const header = () => ({ stamp: { sec: view.getInt32((align(4), (at += 4), at - 4), true), nanosec: u32() }, frame_id: str() });
  let m: unknown;
  if (type === 'geometry_msgs/msg/Twist') m = twist();
  else if (type === 'geometry_msgs/msg/TwistStamped') m = { header: header(), twist: twist() };
  else if (type === 'nav_msgs/msg/Odometry') return decodeOdometry(bytes);
  else if (type === 'tf2_msgs/msg/TFMessage') return decodeTFMessage(bytes);
  else throw new Error(`fake rclnodejs: no reader for a serialized ${type}`);
  if (at !== bytes.length) throw new Error(`fake rclnodejs: a serialized ${type} of ${bytes.length} bytes, ${at} read`);
  return m;
}

/** A message as a raw subscription would get it from rclnodejs: its serialized bytes. */
function toSerialized(type: string, message: unknown): Uint8Array {
  const encode: Record<string, (m: never) => Buffer> = {
    'geometry_msgs/msg/Twist': encodeTwist,
    'geometry_msgs/msg/TwistStamped': encodeTwistStamped,
    'nav_msgs/msg/Odometry': encodeOdometry,
    'tf2_msgs/msg/TFMessage': encodeTFMessage,
  };
  if (!encode[type]) throw new Error(`fake rclnodejs: a raw subscription to ${type}, which it cannot serialize`);
  return encode[type](message as never);
}

export class Node {
  private readonly params = new Map<string, Entry>();
  private readonly callbacks: ((ps: Parameter[]) => SetResult)[] = [];
  private readonly preCallbacks: ((ps: Parameter[]) => Parameter[])[] = [];
  readonly published = new Map<string, unknown[]>();
  readonly publisherQos = new Map<string, QoS>();
  readonly subscriptions = new Map<string, { qos: QoS; callback: (m: unknown) => void; type: string; raw: boolean }[]>();
  readonly services = new Map<string, { type: string; callback: (request: unknown) => unknown }>();
  readonly timers: { period: bigint; callback: () => void; next: bigint; cancelled: boolean }[] = [];
  readonly rosLog: string[] = [];
  private clock = 0n;

  constructor(private readonly nodeName: string, private readonly namespace = '', private readonly overrides: Record<string, unknown> = {}) {}

  name(): string {
    return this.nodeName;
  }
  getFullyQualifiedName(): string {
    return `${this.namespace}/${this.nodeName}`;
  }
  now(): { nanoseconds: bigint } {
    return { nanoseconds: this.clock };
  }
  getLogger() {
    const log = (level: string) => (m: string) => (this.rosLog.push(`${level}: ${m}`), true);
    return { debug: log('DEBUG'), info: log('INFO'), warn: log('WARN'), error: log('ERROR') };
  }
  /** rcl's name resolution: absolute as is, `~/x` under the node's name, relative under its namespace. */
  resolve(name: string): string {
    if (name.startsWith('/')) return name;
    if (name.startsWith('~/')) return `${this.getFullyQualifiedName()}/${name.slice(2)}`;
    return `${this.namespace}/${name}`;
  }
  createPublisher(type: string, name: string, options: { qos: QoS }) {
    const topic = this.resolve(name);
    this.published.set(topic, []);
    this.publisherQos.set(topic, options.qos);
    const subscriptions = () => this.subscriptions.get(topic)?.length ?? 0;
    // A getter, as in rclnodejs's publisher.js (its typings say a method).
    // A Buffer is published as serialized bytes (rclnodejs's publishRawMessage): recorded as the message a
    // subscriber would get, decoded here from the CDR spec.
    const publish = (m: unknown) => this.published.get(topic)!.push(m instanceof Buffer ? fromSerialized(type, m) : m);
    return { topicName: topic, typeName: type, publish, get subscriptionCount() { return subscriptions(); } };
  }
  createSubscription(type: string, name: string, options: { qos: QoS; isRaw?: boolean }, callback: (m: unknown) => void) {
    const topic = this.resolve(name);
    if (typeof callback !== 'function') throw new TypeError('callback must be a function');
    const entry = { qos: options.qos, callback, type, raw: options.isRaw === true };
    this.subscriptions.set(topic, [...(this.subscriptions.get(topic) ?? []), entry]);
    return { topicName: topic, typeName: type, entry };
  }
  destroySubscription(sub: { topicName: string; entry: unknown }): void {
    this.subscriptions.set(sub.topicName, (this.subscriptions.get(sub.topicName) ?? []).filter((e) => e !== sub.entry));
  }
  createService(type: string, serviceName: string, callback: (request: unknown) => unknown) {
    const name = this.resolve(serviceName);
    if (this.services.has(name)) throw new Error(`service ${name} exists`);
    this.services.set(name, { type, callback });
    return { serviceName: name };
  }
  destroyService(srv: { serviceName: string }): void {
    this.services.delete(srv.serviceName);
  }
  /** Test helper: calls a service as a client would. */
  call(name: string, request: unknown): unknown {
    const s = this.services.get(name);
    if (!s) throw new Error(`no service ${name}`);
    return s.callback(request);
  }
  createTimer(period: bigint, callback: () => void) {
    if (typeof period !== 'bigint') throw new TypeError('Invalid argument: period must be a bigint (nanoseconds)');
    const t = { period, callback, next: this.clock + period, cancelled: false };
    this.timers.push(t);
    return { cancel: () => (t.cancelled = true), isCanceled: () => t.cancelled };
  }
  /** Test helper: advances the clock by `seconds`, firing due timers. */
  advance(seconds: number): void {
    const end = this.clock + BigInt(Math.round(seconds * 1e9));
    for (;;) {
      const due = this.timers.filter((t) => !t.cancelled && t.next <= end).sort((a, b) => (a.next < b.next ? -1 : a.next > b.next ? 1 : 0))[0];
      if (!due) break;
      this.clock = due.next;
      due.next += due.period;
      due.callback();
    }
    this.clock = end;
  }
  /**
   * Test helper: delivers a message to the subscriptions on a topic whose QoS a publisher of `offered` durability
   * matches, as DDS does (a transient-local subscription never matches a volatile publisher); returns how many.
   */
  deliver(topic: string, message: unknown, offered: 'volatile' | 'transient_local' = 'volatile'): number {
    const subs = this.subscriptions.get(topic);
    if (!subs || subs.length === 0) throw new Error(`no subscription on ${topic}`);
    const TL = QoS.DurabilityPolicy.RMW_QOS_POLICY_DURABILITY_TRANSIENT_LOCAL;
    const matched = subs.filter((s) => offered === 'transient_local' || s.qos.durability() !== TL);
    // A subscription that asked for the serialized message (isRaw) gets its bytes, as from rclnodejs: a message given
    // here as an object is serialized first (the encoders of src/ros/cdr.ts, tested against the CDR spec).
    for (const s of matched) s.callback(s.raw && !(message instanceof Uint8Array) ? toSerialized(s.type, message) : message);
    return matched.length;
  }
  getParameterOverrides(): Parameter[] {
    return Object.entries(this.overrides).map(([name, value]) => new Parameter(name, typeOf(value), value));
  }
  addOnSetParametersCallback(cb: (ps: Parameter[]) => SetResult): void {
    this.callbacks.unshift(cb);
  }
  addPreSetParametersCallback(cb: (ps: Parameter[]) => Parameter[]): void {
    this.preCallbacks.unshift(cb);
  }
  /** rclnodejs's _validateParameters: its reasons, word for word. */
  private validate(params: Parameter[], declaring: boolean): SetResult | undefined {
    for (const p of params) {
      const entry = this.params.get(p.name);
      if (!entry) return { successful: false, reason: `Parameter ${p.name} has not been declared` };
      if (!declaring && entry.descriptor.readOnly) return { successful: false, reason: `Parameter ${p.name} is readonly` };
      const r = entry.descriptor.range;
      if (!typeMatches(entry.descriptor.type, p.value) || p.type !== entry.descriptor.type || (r && !(r as { inRange(v: unknown): boolean }).inRange(p.value))) {
        return { successful: false, reason: `Parameter ${p.name} does not  readonly` };
      }
    }
    return undefined;
  }
  declareParameters(params: Parameter[], descriptors: ParameterDescriptor[], ignoreOverrides = false): Parameter[] {
    const declared = params.map((p, i) => {
      const value = !ignoreOverrides && p.name in this.overrides ? this.overrides[p.name] : p.value;
      const param = new Parameter(p.name, p.type, value);
      this.params.set(p.name, { param, descriptor: descriptors[i] });
      return param;
    });
    const bad = this.validate(declared, true);
    if (bad) throw new TypeError(bad.reason);
    return declared;
  }
  setParametersAtomically(params: Parameter[]): SetResult {
    for (const pre of this.preCallbacks) {
      params = pre(params);
      if (params.length === 0) return { successful: false, reason: 'parameter list is empty after pre-set callback; set rejected' };
    }
    const bad = this.validate(params, false);
    if (bad) return bad;
    for (const cb of this.callbacks) {
      const res = cb(params);
      if (!res.successful) return res;
    }
    for (const p of params) this.params.get(p.name)!.param.value = p.value;
    return { successful: true, reason: '' };
  }
  descriptor(name: string): ParameterDescriptor | undefined {
    return this.params.get(name)?.descriptor;
  }
  value(name: string): unknown {
    return this.params.get(name)?.param.value;
  }
}

/** The ROS parameter type of a JavaScript value, as rclnodejs infers it for an override. */
function typeOf(v: unknown): number {
  if (typeof v === 'boolean') return ParameterType.PARAMETER_BOOL;
  if (typeof v === 'bigint') return ParameterType.PARAMETER_INTEGER;
  if (typeof v === 'number') return ParameterType.PARAMETER_DOUBLE;
  if (typeof v === 'string') return ParameterType.PARAMETER_STRING;
  if (Array.isArray(v)) return v.every((x) => typeof x === 'string') ? ParameterType.PARAMETER_STRING_ARRAY : ParameterType.PARAMETER_DOUBLE_ARRAY;
  return ParameterType.PARAMETER_NOT_SET;
}

let signalHandlersInstalled = true;
/** Like rclnodejs: its own SIGINT handler until removed. */
export function removeSignalHandlers(): void {
  signalHandlersInstalled = false;
}
export function signalHandlersActive(): boolean {
  return signalHandlersInstalled;
}
