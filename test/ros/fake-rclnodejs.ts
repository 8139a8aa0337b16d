/**
 * A stand-in for the parts of rclnodejs 2.x the adapter uses, for tests on machines without ROS. It reproduces the
 * behaviours that bite: timer periods must be bigint nanoseconds, INTEGER parameters are BigInt, a
 * FloatingPointRange's step defaults to 1 (so 2.5 is out of [0, 10] unless step is 0), set-parameter callbacks run
 * at declaration too and the first veto wins, parameter types must match exactly, read-only parameters refuse
 * changes, and the module installs its own signal handlers until removeSignalHandlers() is called.
 */
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

/** A node of the stand-in: records publications, delivers injected messages, fires timers on a manual clock. */
export class Node {
  private readonly params = new Map<string, Entry>();
  private readonly callbacks: ((ps: Parameter[]) => SetResult)[] = [];
  readonly published = new Map<string, unknown[]>();
  readonly publisherQos = new Map<string, QoS>();
  readonly subscriptions = new Map<string, { qos: QoS; callback: (m: unknown) => void }>();
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
  createPublisher(type: string, topic: string, options: { qos: QoS }) {
    this.published.set(topic, []);
    this.publisherQos.set(topic, options.qos);
    return { topicName: topic, typeName: type, publish: (m: unknown) => this.published.get(topic)!.push(m) };
  }
  createSubscription(type: string, topic: string, options: { qos: QoS }, callback: (m: unknown) => void) {
    if (typeof callback !== 'function') throw new TypeError('callback must be a function');
    this.subscriptions.set(topic, { qos: options.qos, callback });
    return { topicName: topic, typeName: type };
  }
  destroySubscription(sub: { topicName: string }): void {
    this.subscriptions.delete(sub.topicName);
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
  /** Test helper: delivers a message to a subscription. */
  deliver(topic: string, message: unknown): void {
    const s = this.subscriptions.get(topic);
    if (!s) throw new Error(`no subscription on ${topic}`);
    s.callback(message);
  }
  addOnSetParametersCallback(cb: (ps: Parameter[]) => SetResult): void {
    this.callbacks.unshift(cb);
  }
  private check(entry: Entry | undefined, p: Parameter): string | undefined {
    if (!entry) return `parameter ${p.name} has not been declared`;
    if (!typeMatches(entry.descriptor.type, p.value)) return `Invalid parameter type for ${p.name}`;
    const r = entry.descriptor.range;
    if (r && !(r as { inRange(v: unknown): boolean }).inRange(p.value)) return `Parameter ${p.name} value is out of range`;
    for (const cb of this.callbacks) {
      const res = cb([p]);
      if (!res.successful) return res.reason;
    }
    return undefined;
  }
  declareParameters(params: Parameter[], descriptors: ParameterDescriptor[]): Parameter[] {
    return params.map((p, i) => {
      const value = p.name in this.overrides ? this.overrides[p.name] : p.value;
      const param = new Parameter(p.name, p.type, value);
      const entry = { param, descriptor: descriptors[i] };
      const reason = this.check(entry, param);
      if (reason) throw new TypeError(reason);
      this.params.set(p.name, entry);
      return param;
    });
  }
  setParametersAtomically(params: Parameter[]): SetResult {
    for (const p of params) {
      const entry = this.params.get(p.name);
      if (entry?.descriptor.readOnly) return { successful: false, reason: `${p.name} is read-only` };
      if (!entry) return { successful: false, reason: `parameter ${p.name} has not been declared` };
      if (!typeMatches(entry.descriptor.type, p.value)) return { successful: false, reason: `Invalid parameter type for ${p.name}` };
      const r = entry.descriptor.range;
      if (r && !(r as { inRange(v: unknown): boolean }).inRange(p.value)) return { successful: false, reason: `Parameter ${p.name} value is out of range` };
    }
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

let signalHandlersInstalled = true;
/** Like rclnodejs: its own SIGINT handler until removed. */
export function removeSignalHandlers(): void {
  signalHandlersInstalled = false;
}
export function signalHandlersActive(): boolean {
  return signalHandlersInstalled;
}
