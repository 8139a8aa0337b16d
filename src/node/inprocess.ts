import type { ParamSchema, ParamValue, ParamValues } from '../params/schema.js';
import { applyUpdates, defaults } from '../params/schema.js';
import type { VirtualClock } from './clock.js';
import type { Logger, NodeHandle, ParamVerdict, Publisher, QosKind, Service, Subscription, Timer } from './interface.js';
import type { MessageByType, MessageType, ServiceByType, ServiceType } from './messages.js';

type Handler = (message: unknown) => void;

interface Topic {
  name: string;
  type: MessageType;
  /** Each subscription's callback, QoS, node (full name) and the time from which it is matched (matchDelay). */
  handlers: Map<Handler, { qos: QosKind; node: string; matchedAt?: number }>;
  latched?: { message: unknown; from: string };
}

/**
 * Sees what an in-process bus carries (the shards benchmark records an instance's inputs with it, to replay them in a
 * process of its own: bench/shards/record.ts).
 */
export interface BusTap {
  /** Node `from` published `message` on `topic` (called in `publish`, before the bus's filter). */
  published?(from: string, topic: string, type: MessageType, qos: QosKind, message: unknown): void;
  /** `message` goes to node `to`: once per node and message however many of its subscriptions take it, before their callbacks. */
  delivered?(to: string, from: string, topic: string, type: MessageType, qos: QosKind, message: unknown): void;
}

/** Reliability and durability of each QoS profile (see QosKind). */
const QOS_POLICY: Record<QosKind, { reliable: boolean; transientLocal: boolean }> = {
  sensor: { reliable: false, transientLocal: false },
  command: { reliable: true, transientLocal: false },
  latched: { reliable: true, transientLocal: true },
  default: { reliable: true, transientLocal: false },
};

/**
 * Whether a publisher and a subscription match, as in DDS: a best-effort publisher never reaches a reliable
 * subscription, and a volatile publisher never reaches a transient-local one.
 */
export function qosCompatible(offered: QosKind, requested: QosKind): boolean {
  const o = QOS_POLICY[offered];
  const r = QOS_POLICY[requested];
  return (o.reliable || !r.reliable) && (o.transientLocal || !r.transientLocal);
}

/** A message on its way, with an optional delivery time (for injected delay). */
interface Pending {
  topic: Topic;
  message: unknown;
  /** The publisher's QoS: only compatible subscriptions receive the message. */
  qos: QosKind;
  /** The publishing node (full name). */
  from: string;
}

/** Joins a node's namespace and a topic name the ROS way (absolute, relative, or private with ~). */
export function resolveTopic(namespace: string, nodeName: string, topic: string): string {
  const ns = namespace === '/' ? '' : namespace.replace(/\/$/, '');
  if (topic.startsWith('/')) return topic;
  if (topic.startsWith('~')) return `${ns}/${nodeName}${topic.slice(1)}`;
  return `${ns}/${topic}`;
}

/** A node's start-up parameters were refused (the node cannot start on them). */
export class ParameterRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParameterRefusedError';
  }
}

/**
 * A publish/subscribe bus inside one process, for the standalone mode and the tests: no ROS. Messages published
 * during a callback are queued and delivered after it (as an executor would), in publication order. Message
 * types must agree per topic, as in ROS. Deep-copies nothing: receivers must not mutate messages.
 */
export class InProcessBus {
  private readonly topics = new Map<string, Topic>();
  private readonly services = new Map<string, { type: ServiceType; handler: (request: unknown) => unknown }>();
  private queue: Pending[] = [];
  /** Optional hook that can drop (return false) a message; used for fault injection. */
  filter: (topic: string, message: unknown) => boolean = () => true;
  /** Optional observer of every publication and delivery (see BusTap). */
  tap: BusTap | undefined;
  /**
   * Seconds a subscription created on `topic` waits before messages reach it, as a real graph's endpoint discovery
   * makes it (fault injection; default none: delivery from the start).
   */
  matchDelay: (topic: string) => number = () => 0;

  constructor(readonly clock: VirtualClock) {
    clock.afterEach = () => this.flush();
  }

  private topic(name: string, type: MessageType): Topic {
    let t = this.topics.get(name);
    if (!t) {
      t = { name, type, handlers: new Map() };
      this.topics.set(name, t);
    } else if (t.type !== type) {
      throw new Error(`topic ${name} carries ${t.type}, not ${type}`);
    }
    return t;
  }

  /** Delivers every queued message (and those their handlers publish). */
  flush(): void {
    while (this.queue.length) {
      const batch = this.queue;
      this.queue = [];
      for (const p of batch) {
        const tap = this.tap?.delivered;
        const seen: string[] | undefined = tap ? [] : undefined;
        for (const [h, s] of [...p.topic.handlers]) {
          if (!qosCompatible(p.qos, s.qos)) continue;
          if (s.matchedAt !== undefined && this.clock.now() < s.matchedAt) continue;
          if (tap && !seen!.includes(s.node)) {
            seen!.push(s.node);
            tap.call(this.tap, s.node, p.from, p.topic.name, p.topic.type, p.qos, p.message);
          }
          h(p.message);
        }
      }
    }
  }

  /** Calls a service offered on this bus, as `ros2 service call` would; throws when no node offers it. */
  callService<T extends ServiceType>(type: T, name: string, request: ServiceByType[T]['request']): ServiceByType[T]['response'] {
    const s = this.services.get(name);
    if (!s) throw new Error(`no service ${name}`);
    if (s.type !== type) throw new Error(`service ${name} is a ${s.type}, not a ${type}`);
    const response = s.handler(request) as ServiceByType[T]['response'];
    this.flush();
    return response;
  }

  /** Live subscriptions on a topic (as `ros2 topic info` counts them). */
  subscriptionCount(name: string): number {
    return this.topics.get(name)?.handlers.size ?? 0;
  }

  /** Topic names with at least one subscriber or publisher. */
  topicNames(): string[] {
    return [...this.topics.keys()].sort();
  }

  /** Creates a node on this bus. `parameters` are the start-up overrides (like --ros-args -p). */
  createNode(name: string, options: { namespace?: string; parameters?: ParamValues; logger: Logger }): NodeHandle {
    const bus = this;
    const namespace = options.namespace ?? '/';
    const full = resolveTopic(namespace, name, name).replace(/\/[^/]*$/, '') + `/${name}`;
    let schema: ParamSchema | undefined;
    let values: Record<string, ParamValue> = {};
    let onSet: ((u: ParamValues) => ParamVerdict) | undefined;
    return {
      name: full,
      logger: options.logger,
      now: () => bus.clock.now(),
      createPublisher<T extends MessageType>(type: T, topicName: string, qos: QosKind): Publisher<MessageByType[T]> {
        const resolved = resolveTopic(namespace, name, topicName);
        const t = bus.topic(resolved, type);
        return {
          topic: resolved,
          publish(message) {
            bus.tap?.published?.(full, resolved, type, qos, message);
            if (qos === 'latched') t.latched = { message, from: full };
            if (!bus.filter(resolved, message)) return;
            bus.queue.push({ topic: t, message, qos, from: full });
          },
          subscriptionCount: () => bus.subscriptionCount(resolved),
        };
      },
      createSubscription<T extends MessageType>(type: T, topicName: string, qos: QosKind, callback: (m: MessageByType[T]) => void): Subscription {
        const resolved = resolveTopic(namespace, name, topicName);
        const t = bus.topic(resolved, type);
        const handler: Handler = (m) => callback(m as MessageByType[T]); // one per subscription, as in ROS
        const delay = bus.matchDelay(resolved);
        t.handlers.set(handler, { qos, node: full, ...(delay > 0 ? { matchedAt: bus.clock.now() + delay } : {}) });
        // Only a transient-local subscription gets the last message published before it existed.
        if (t.latched !== undefined && qos === 'latched') bus.queue.push({ topic: { name: resolved, type, handlers: new Map([[handler, { qos, node: full }]]) }, message: t.latched.message, qos: 'latched', from: t.latched.from });
        return { topic: resolved, destroy: () => t.handlers.delete(handler) };
      },
      createService<T extends ServiceType>(type: T, serviceName: string, handler: (request: ServiceByType[T]['request']) => ServiceByType[T]['response']): Service {
        const resolved = resolveTopic(namespace, name, serviceName);
        if (bus.services.has(resolved)) throw new Error(`service ${resolved} is already offered`);
        bus.services.set(resolved, { type, handler: handler as (request: unknown) => unknown });
        return { name: resolved, destroy: () => bus.services.delete(resolved) };
      },
      createTimer(periodSeconds: number, callback: () => void): Timer {
        return bus.clock.every(periodSeconds, callback);
      },
      declareParameters(s: ParamSchema, cb: (u: ParamValues) => ParamVerdict): Record<string, ParamValue> {
        schema = s;
        const start = applyUpdates(s, defaults(s), options.parameters ?? {}, { live: false });
        if (!start.ok) throw new ParameterRefusedError(`${full}: ${start.reason}`);
        const verdict = cb(start.values);
        if (!verdict.successful) throw new ParameterRefusedError(`${full}: ${verdict.reason}`);
        values = start.values;
        onSet = cb;
        return { ...values };
      },
      setParameters(updates: ParamValues): ParamVerdict {
        if (!schema || !onSet) return { successful: false, reason: 'no parameters declared' };
        const r = applyUpdates(schema, values, updates, { live: true });
        if (!r.ok) return { successful: false, reason: r.reason };
        const verdict = onSet(updates);
        if (verdict.successful) values = r.values;
        return verdict;
      },
    };
  }
}
