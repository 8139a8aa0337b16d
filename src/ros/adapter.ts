/**
 * The rclnodejs adapter: NodeHandle on a real ROS 2 node. Thin on purpose: conversions (seconds <-> bigint
 * nanoseconds, INTEGER parameters <-> BigInt, descriptors with ranges), QoS profiles, and forwarding of log lines to
 * the ROS logger. Type-checked against rclnodejs's own definitions; the module itself is passed in (loaded lazily by
 * the entry points) so that nothing here imports rclnodejs at run time.
 */
import type * as Rcl from 'rclnodejs';
import type { Logger, NodeHandle, ParamVerdict, Publisher, QosKind, Service, Subscription, Timer } from '../node/interface.js';
import type { MessageByType, MessageType, ServiceByType, ServiceType } from '../node/messages.js';
import { MSG } from '../node/messages.js';
import { decodeOdometry, decodeTFMessage, decodeTwist, decodeTwistStamped, encodeOdometry, encodeTFMessage, encodeTwist, encodeTwistStamped } from './cdr.js';
import type { ParamSchema, ParamSpec, ParamValue, ParamValues } from '../params/schema.js';
import { applyUpdates, defaults, fullDescription } from '../params/schema.js';

/** The part of the rclnodejs module the adapter uses (the real module satisfies it; so does the test stand-in). */
export type RclModule = Pick<typeof Rcl, 'Parameter' | 'ParameterDescriptor' | 'FloatingPointRange' | 'IntegerRange' | 'QoS'> & {
  readonly ParameterType: Record<string, number>;
};

/** The ROS parameter type of each schema type (runtime values: ParameterType is a const enum in the typings). */
function rosType(rcl: RclModule, p: ParamSpec): number {
  const t = rcl.ParameterType;
  switch (p.type) {
    case 'double':
      return t.PARAMETER_DOUBLE;
    case 'integer':
      return t.PARAMETER_INTEGER;
    case 'bool':
      return t.PARAMETER_BOOL;
    case 'string':
      return t.PARAMETER_STRING;
    case 'string_array':
      return t.PARAMETER_STRING_ARRAY;
    case 'double_array':
      return t.PARAMETER_DOUBLE_ARRAY;
  }
}

/** Schema value to ROS value: INTEGER parameters are BigInt in rclnodejs. */
export function toRosValue(p: ParamSpec, v: ParamValue): unknown {
  return p.type === 'integer' ? BigInt(v as number) : v;
}

/** ROS value to schema value; undefined when the ROS value does not have the declared type. */
export function fromRosValue(p: ParamSpec, v: unknown): ParamValue | undefined {
  switch (p.type) {
    case 'integer':
      return typeof v === 'bigint' ? Number(v) : undefined;
    case 'double':
      return typeof v === 'number' ? v : undefined;
    case 'bool':
      return typeof v === 'boolean' ? v : undefined;
    case 'string':
      return typeof v === 'string' ? v : undefined;
    case 'string_array':
      return Array.isArray(v) && v.every((x) => typeof x === 'string') ? [...v] : undefined;
    case 'double_array':
      return (Array.isArray(v) || v instanceof Float64Array) && Array.from(v as ArrayLike<unknown>).every((x) => typeof x === 'number') ? Array.from(v as ArrayLike<number>) : undefined;
  }
}

/** The message types subscribed to as serialized bytes and decoded by the adapter itself. */
const RAW_DECODERS: Partial<Record<MessageType, (buffer: Uint8Array) => unknown>> = {
  [MSG.TFMessage]: decodeTFMessage,
  [MSG.Odometry]: decodeOdometry,
  [MSG.Twist]: decodeTwist,
  [MSG.TwistStamped]: decodeTwistStamped,
};

/**
 * The message types published as serialized bytes encoded by the adapter itself (cdr.ts): the commands, one a robot
 * a tick, and the poses (the simulator's odometry and /tf, the instances' swarm_poses). rclnodejs's own conversion of
 * a plain object costs several times the encoding (`npm run bench:ros-publish`).
 */
const RAW_ENCODERS: Partial<Record<MessageType, (m: never) => Buffer>> = {
  [MSG.Twist]: encodeTwist,
  [MSG.TwistStamped]: encodeTwistStamped,
  [MSG.Odometry]: encodeOdometry,
  [MSG.TFMessage]: encodeTFMessage,
};

/** The QoS of each profile (see the ROS notes: poses best effort depth 5, commands reliable depth 1, latched). */
export function qosOf(rcl: RclModule, kind: QosKind): Rcl.QoS {
  const { HistoryPolicy, ReliabilityPolicy, DurabilityPolicy } = rcl.QoS;
  const keepLast = HistoryPolicy.RMW_QOS_POLICY_HISTORY_KEEP_LAST;
  switch (kind) {
    case 'sensor':
      return new rcl.QoS(keepLast, 5, ReliabilityPolicy.RMW_QOS_POLICY_RELIABILITY_BEST_EFFORT, DurabilityPolicy.RMW_QOS_POLICY_DURABILITY_VOLATILE);
    case 'command':
      return new rcl.QoS(keepLast, 1, ReliabilityPolicy.RMW_QOS_POLICY_RELIABILITY_RELIABLE, DurabilityPolicy.RMW_QOS_POLICY_DURABILITY_VOLATILE);
    case 'latched':
      return new rcl.QoS(keepLast, 1, ReliabilityPolicy.RMW_QOS_POLICY_RELIABILITY_RELIABLE, DurabilityPolicy.RMW_QOS_POLICY_DURABILITY_TRANSIENT_LOCAL);
    case 'default':
      return new rcl.QoS(keepLast, 10, ReliabilityPolicy.RMW_QOS_POLICY_RELIABILITY_RELIABLE, DurabilityPolicy.RMW_QOS_POLICY_DURABILITY_VOLATILE);
  }
}

/**
 * The node's ROS logger as a Logger: one line per message, on the console as ros2 launch shows it and on /rosout.
 * Structured fields are appended as `key=value` pairs.
 */
export function rosLogger(ros: Rcl.Logging): Logger {
  const line = (m: string, f?: Record<string, unknown>) =>
    f && Object.keys(f).length ? `${m} ${Object.entries(f).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')}` : m;
  return {
    debug: (m, f) => void ros.debug(line(m, f)),
    info: (m, f) => void ros.info(line(m, f)),
    warn: (m, f) => void ros.warn(line(m, f)),
    error: (m, f) => void ros.error(line(m, f)),
  };
}

/** The refusal reason for a ROS value of the wrong type. */
function typeReason(p: ParamSpec, v: unknown): string {
  const got = typeof v === 'bigint' ? `the integer ${v}` : typeof v === 'number' ? `the double ${v}` : typeof v === 'string' ? 'a string' : typeof v === 'boolean' ? `the bool ${v}` : Array.isArray(v) ? 'an array' : 'a value of another type';
  const hint = p.type === 'double' && typeof v === 'bigint' ? ` (write ${v}.0, not ${v})` : p.type === 'integer' && typeof v === 'number' ? ` (write ${Math.trunc(v)}, without a decimal point)` : '';
  return `parameter '${p.name}' must be a ${p.type.replace('_', ' ')}, got ${got}${hint}`;
}

/** Wraps a ROS 2 node (created by the entry point, with its --ros-args already applied) as a NodeHandle. */
export function rosNodeHandle(rcl: RclModule, node: Rcl.Node): NodeHandle {
  const logger = rosLogger(node.getLogger());
  let schema: ParamSchema | undefined;
  let values: Record<string, ParamValue> = {};
  return {
    name: node.getFullyQualifiedName?.() ?? node.name(),
    logger,
    now: () => Number(node.now().nanoseconds) * 1e-9,
    createPublisher<T extends MessageType>(type: T, topic: string, qos: QosKind): Publisher<MessageByType[T]> {
      const pub = node.createPublisher(type as Parameters<Rcl.Node['createPublisher']>[0], topic, { qos: qosOf(rcl, qos) });
      // rclnodejs's typings declare subscriptionCount() a method, its code a getter: read whichever is there.
      const count = (): number => {
        const c: unknown = (pub as unknown as { subscriptionCount: unknown }).subscriptionCount;
        return typeof c === 'function' ? Number(c.call(pub)) : Number(c ?? 0);
      };
      const encode = RAW_ENCODERS[type];
      const publish = encode ? (m: MessageByType[T]) => pub.publish(encode(m as never) as never) : (m: MessageByType[T]) => pub.publish(m as never);
      return { topic, publish, subscriptionCount: count };
    },
    createSubscription<T extends MessageType>(type: T, topic: string, qos: QosKind, callback: (m: MessageByType[T]) => void): Subscription {
      // Poses come in bulk: taken as bytes and decoded here (cdr.ts), 10-100x cheaper than rclnodejs's conversion. A
      // buffer that does not decode reaches the node as a malformed (undefined) message, which it reports and skips.
      const decode = RAW_DECODERS[type];
      const deliver = decode
        ? (m: unknown) => {
            if (!(m instanceof Uint8Array)) return callback(m as MessageByType[T]);
            let decoded: unknown;
            try {
              decoded = decode(m);
            } catch {
              decoded = undefined;
            }
            callback(decoded as MessageByType[T]);
          }
        : (m: unknown) => callback(m as MessageByType[T]);
      const sub = node.createSubscription(type as Parameters<Rcl.Node['createPublisher']>[0], topic, { qos: qosOf(rcl, qos), isRaw: decode !== undefined }, deliver);
      return { topic, destroy: () => node.destroySubscription(sub) };
    },
    createService<T extends ServiceType>(type: T, name: string, handler: (request: ServiceByType[T]['request']) => ServiceByType[T]['response']): Service {
      // The service's type is a string here; rclnodejs's generated typings (present once it is built against a ROS
      // install) key its types by class, so the handle is passed back as rclnodejs gave it.
      const srv: Parameters<Rcl.Node['destroyService']>[0] = node.createService(type as Parameters<Rcl.Node['createService']>[0], name, (request: unknown) => handler(request as ServiceByType[T]['request']) as never) as never;
      return { name, destroy: () => node.destroyService(srv) };
    },
    createTimer(periodSeconds: number, callback: () => void): Timer {
      const timer = node.createTimer(BigInt(Math.max(1, Math.round(periodSeconds * 1e9))), () => callback());
      return { cancel: () => timer.cancel() };
    },
    declareParameters(s: ParamSchema, onSet: (u: ParamValues) => ParamVerdict): Record<string, ParamValue> {
      schema = s;
      // Start-up overrides (--ros-args -p, parameter files keyed /** or by the node's name) are checked here, with
      // the node's own reasons, then declared as they are: rclnodejs's own check would say "does not  readonly".
      const overrides = new Map(node.getParameterOverrides().map((o) => [o.name, o.value] as const));
      const start: Record<string, ParamValue> = {};
      for (const p of s) {
        if (!overrides.has(p.name)) continue;
        const raw = overrides.get(p.name);
        const v = fromRosValue(p, raw);
        if (v === undefined) throw new Error(typeReason(p, raw));
        start[p.name] = v;
      }
      const checked = applyUpdates(s, defaults(s), start, { live: false });
      if (!checked.ok) throw new Error(checked.reason);
      const params = s.map((p) => new rcl.Parameter(p.name, rosType(rcl, p) as Rcl.ParameterType, toRosValue(p, checked.values[p.name])));
      const descriptors = s.map((p) => {
        const range =
          p.type === 'double' && (p.min !== undefined || p.max !== undefined)
            ? new rcl.FloatingPointRange(p.min ?? -Number.MAX_VALUE, p.max ?? Number.MAX_VALUE, 0) // step 0: continuous
            : p.type === 'integer' && (p.min !== undefined || p.max !== undefined)
              ? new rcl.IntegerRange(BigInt(p.min ?? Number.MIN_SAFE_INTEGER), BigInt(p.max ?? Number.MAX_SAFE_INTEGER), 1n)
              : undefined;
        return new rcl.ParameterDescriptor(p.name, rosType(rcl, p) as Rcl.ParameterType, fullDescription(p), p.readOnly, range);
      });
      const verdict = onSet(checked.values);
      if (!verdict.successful) throw new Error(verdict.reason);
      node.declareParameters(params, descriptors, true);
      values = checked.values;
      // rclnodejs checks types and ranges before any set callback, and refuses with a garbled reason. The pre-set
      // callback runs first: it checks the batch with the schema, and when that refuses, keeps the reason and hands
      // rclnodejs the current values instead (which pass its check), so that the set callback refuses with it.
      let pending: string | undefined;
      node.addPreSetParametersCallback((changed: Rcl.Parameter[]) => {
        pending = undefined;
        const updates: Record<string, ParamValue> = {};
        for (const c of changed) {
          const p = s.find((q) => q.name === c.name);
          if (!p) continue; // rclnodejs's own parameters (use_sim_time, QoS overrides) are not ours to check
          const v = fromRosValue(p, c.value);
          if (v === undefined) {
            pending = typeReason(p, c.value);
            break;
          }
          updates[p.name] = v;
        }
        if (pending === undefined) {
          const r = applyUpdates(s, values, updates, { live: true });
          if (!r.ok) pending = r.reason;
        }
        if (pending === undefined) return changed;
        return changed.map((c) => {
          const p = s.find((q) => q.name === c.name);
          return p ? new rcl.Parameter(p.name, rosType(rcl, p) as Rcl.ParameterType, toRosValue(p, values[p.name])) : c;
        });
      });
      node.addOnSetParametersCallback((changed: Rcl.Parameter[]) => {
        if (pending !== undefined) {
          const reason = pending;
          pending = undefined;
          return { successful: false, reason };
        }
        const updates: Record<string, ParamValue> = {};
        for (const c of changed) {
          const p = s.find((q) => q.name === c.name);
          if (!p) continue;
          const v = fromRosValue(p, c.value);
          if (v === undefined) return { successful: false, reason: typeReason(p, c.value) };
          updates[p.name] = v;
        }
        if (Object.keys(updates).length === 0) return { successful: true, reason: '' };
        const r = applyUpdates(s, values, updates, { live: true });
        if (!r.ok) return { successful: false, reason: r.reason };
        const v = onSet(updates);
        if (!v.successful) return { successful: false, reason: v.reason };
        values = r.values;
        return { successful: true, reason: '' };
      });
      return { ...values };
    },
    setParameters(updates: ParamValues): ParamVerdict {
      if (!schema) return { successful: false, reason: 'no parameters declared' };
      const s = schema;
      const params = Object.entries(updates).map(([name, v]) => {
        const p = s.find((q) => q.name === name);
        if (!p) throw new Error(`unknown parameter '${name}'`);
        return new rcl.Parameter(name, rosType(rcl, p) as Rcl.ParameterType, toRosValue(p, v));
      });
      const r = node.setParametersAtomically(params);
      return r.successful ? { successful: true } : { successful: false, reason: r.reason };
    },
  };
}
