import type { ParamSchema, ParamValue, ParamValues } from '../params/schema.js';
import type { MessageByType, MessageType, ServiceByType, ServiceType } from './messages.js';

/** Quality-of-service profiles the nodes use (see the ROS notes: poses best-effort, commands reliable, latched maps). */
export type QosKind =
  /** best effort, keep last 5: matches both reliable and best-effort publishers. */
  | 'sensor'
  /** reliable, keep last 1. */
  | 'command'
  /** reliable, transient local, keep last 1: late subscribers get the last message. */
  | 'latched'
  /** reliable, keep last 10. */
  | 'default';

/** Publishes messages of one type on one topic. */
export interface Publisher<M> {
  readonly topic: string;
  publish(message: M): void;
  /** Subscriptions matched with this publisher now (rcl's count; 0: nobody would receive a message). */
  subscriptionCount(): number;
}

/** A live subscription. */
export interface Subscription {
  readonly topic: string;
  destroy(): void;
}

/** A service the node offers. */
export interface Service {
  readonly name: string;
  destroy(): void;
}

/** A periodic timer on the node's clock. */
export interface Timer {
  cancel(): void;
}

/** Structured logging: a message and optional fields. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The answer to a parameter change: accepted, or refused with a reason (the first refusal wins). */
export type ParamVerdict = { readonly successful: true } | { readonly successful: false; readonly reason: string };

/**
 * What a node needs from its middleware: publish, subscribe, parameters with descriptors, a timer, a clock and
 * a logger. The controller and the simulator are written against this alone; rclnodejs and the in-process bus
 * implement it.
 */
export interface NodeHandle {
  /** Fully qualified node name, e.g. /blob_coverage_controller. */
  readonly name: string;
  readonly logger: Logger;
  /** The node's clock in seconds (ROS time: simulated when use_sim_time is set). */
  now(): number;
  createPublisher<T extends MessageType>(type: T, topic: string, qos: QosKind): Publisher<MessageByType[T]>;
  createSubscription<T extends MessageType>(type: T, topic: string, qos: QosKind, callback: (message: MessageByType[T]) => void): Subscription;
  /** Offers a service (name resolved like a topic); `handler` answers each request synchronously. */
  createService<T extends ServiceType>(type: T, name: string, handler: (request: ServiceByType[T]['request']) => ServiceByType[T]['response']): Service;
  /** Calls `callback` every `periodSeconds` of the node's clock. */
  createTimer(periodSeconds: number, callback: () => void): Timer;
  /**
   * Declares every parameter of `schema` (with its descriptor: description, range, read-only) and registers
   * `onSet`, which sees every later change as a batch and may refuse it. Returns the values in force after
   * start-up overrides (`--ros-args -p`, parameter files, or the in-process configuration).
   */
  declareParameters(schema: ParamSchema, onSet: (updates: ParamValues) => ParamVerdict): Record<string, ParamValue>;
  /** Requests a parameter change as `ros2 param set` would; resolves to the verdict. */
  setParameters(updates: ParamValues): ParamVerdict;
}
