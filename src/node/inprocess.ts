import type { ParamSchema, ParamValue, ParamValues } from '../params/schema.js';
import { applyUpdates, defaults } from '../params/schema.js';
import type { VirtualClock } from './clock.js';
import type { Logger, NodeHandle, ParamVerdict, Publisher, QosKind, Subscription, Timer } from './interface.js';
import type { MessageByType, MessageType } from './messages.js';

type Handler = (message: unknown) => void;

interface Topic {
  type: MessageType;
  handlers: Set<Handler>;
  latched?: unknown;
}

/** A message on its way, with an optional delivery time (for injected delay). */
interface Pending {
  topic: Topic;
  message: unknown;
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
  private queue: Pending[] = [];
  /** Optional hook that can drop (return false) a message; used for fault injection. */
  filter: (topic: string, message: unknown) => boolean = () => true;

  constructor(readonly clock: VirtualClock) {
    clock.afterEach = () => this.flush();
  }

  private topic(name: string, type: MessageType): Topic {
    let t = this.topics.get(name);
    if (!t) {
      t = { type, handlers: new Set() };
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
      for (const p of batch) for (const h of [...p.topic.handlers]) h(p.message);
    }
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
            if (qos === 'latched') t.latched = message;
            if (!bus.filter(resolved, message)) return;
            bus.queue.push({ topic: t, message });
          },
        };
      },
      createSubscription<T extends MessageType>(type: T, topicName: string, _qos: QosKind, callback: (m: MessageByType[T]) => void): Subscription {
        const resolved = resolveTopic(namespace, name, topicName);
        const t = bus.topic(resolved, type);
        const handler = callback as Handler;
        t.handlers.add(handler);
        if (t.latched !== undefined) bus.queue.push({ topic: { type, handlers: new Set([handler]) }, message: t.latched });
        return { topic: resolved, destroy: () => t.handlers.delete(handler) };
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
