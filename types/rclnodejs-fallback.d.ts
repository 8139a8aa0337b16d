/**
 * The part of rclnodejs's API this package uses, for type checking on a machine where the optional rclnodejs could
 * not be installed (no ROS: its install script fails, and npm drops it). tsconfig.build.json maps `rclnodejs` to the real
 * package first and to this file only when the package is missing, so the build (`npm install` runs it) never needs
 * rclnodejs. test/ros/rclnodejs-fallback.check.ts checks that the real typings satisfy this file when present.
 */

/** rclnodejs's ParameterType (a const enum of numbers there). */
export type ParameterType = number;

/** A ROS parameter: a name, a type and a value. */
export declare class Parameter {
  constructor(name: string, type: ParameterType, value?: any);
  readonly name: string;
  readonly value: any;
}

/** The range of a floating-point parameter. */
export declare class FloatingPointRange {
  constructor(from: number, to: number, step?: number, tolerance?: number);
}

/** The range of an integer parameter. */
export declare class IntegerRange {
  constructor(from: bigint, to: bigint, step?: bigint);
}

/** A parameter's descriptor. */
export declare class ParameterDescriptor {
  constructor(name: string, type?: ParameterType, description?: string, readOnly?: boolean, range?: FloatingPointRange | IntegerRange);
}

/** The QoS policies used (enums of numbers there). */
export declare namespace QoS {
  type HistoryPolicy = number;
  type ReliabilityPolicy = number;
  type DurabilityPolicy = number;
}

/** A quality-of-service profile. */
export declare class QoS {
  constructor(history?: QoS.HistoryPolicy, depth?: number, reliability?: QoS.ReliabilityPolicy, durability?: QoS.DurabilityPolicy);
  static readonly HistoryPolicy: { readonly RMW_QOS_POLICY_HISTORY_KEEP_LAST: QoS.HistoryPolicy };
  static readonly ReliabilityPolicy: { readonly RMW_QOS_POLICY_RELIABILITY_RELIABLE: QoS.ReliabilityPolicy; readonly RMW_QOS_POLICY_RELIABILITY_BEST_EFFORT: QoS.ReliabilityPolicy };
  static readonly DurabilityPolicy: { readonly RMW_QOS_POLICY_DURABILITY_VOLATILE: QoS.DurabilityPolicy; readonly RMW_QOS_POLICY_DURABILITY_TRANSIENT_LOCAL: QoS.DurabilityPolicy };
}

/** A node's ROS logger. */
export declare class Logging {
  debug(message: string): boolean;
  info(message: string): boolean;
  warn(message: string): boolean;
  error(message: string): boolean;
}

/** What a set-parameters callback answers. */
export interface SetParametersResult {
  successful: boolean;
  reason: string;
}

/** A ROS 2 node. */
export declare class Node {
  constructor(nodeName: string, namespace?: string);
  name(): string;
  getFullyQualifiedName(): string;
  getLogger(): Logging;
  now(): { readonly nanoseconds: bigint };
  spin(timeout?: number): void;
  destroy(): void;
  createTimer(period: bigint, callback: () => void): { cancel(): void };
  // Type names are strings here; rclnodejs built against a ROS install types them by generated class, hence `any`.
  createPublisher(typeClass: any, topic: string, options?: { qos?: QoS }): { publish(message: any): void };
  createSubscription(typeClass: any, topic: string, options: { qos?: QoS }, callback: (message: any) => void): object;
  destroySubscription(subscription: any): void;
  createService(typeClass: any, serviceName: string, callback: (request: any, response: any) => any): object;
  destroyService(service: any): void;
  getParameterOverrides(): Parameter[];
  declareParameters(parameters: Parameter[], descriptors?: ParameterDescriptor[], ignoreOverrides?: boolean): Parameter[];
  addPreSetParametersCallback(callback: (parameters: Parameter[]) => Parameter[]): void;
  addOnSetParametersCallback(callback: (parameters: Parameter[]) => SetParametersResult): void;
  setParametersAtomically(parameters?: Parameter[]): SetParametersResult;
}

/** Initializes rclnodejs. */
export declare function init(context?: never, argv?: string[]): Promise<void>;
/** Removes rclnodejs's SIGINT handlers. */
export declare function removeSignalHandlers(): void;
/** Shuts rclnodejs down. */
export declare function shutdown(context?: never): void;
