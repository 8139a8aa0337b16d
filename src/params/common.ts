import { quote } from '../io/quote.js';
import type { ParamSpec, ParamValues } from './schema.js';

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
/** ROS 2 topic names: tokens that do not start with a digit, joined by '/'; absolute ('/'), private ('~/') or relative. */
const TOPIC = /^(~\/|\/)?[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/;
const RELATIVE_TOPIC = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Longest fully qualified topic name ROS 2 takes (rmw's RMW_TOPIC_MAX_NAME_LENGTH). */
const MAX_TOPIC_LENGTH = 247;

/** Refusal reason for a string that is not a valid ROS topic name. */
export const topicCheck = (v: string): string | undefined =>
  !TOPIC.test(v) ? `is not a valid ROS topic name: ${quote(v)}` : v.length > MAX_TOPIC_LENGTH ? `is longer than the ${MAX_TOPIC_LENGTH} characters of a ROS topic name` : undefined;

/** Refusal reason for a topic that is not a valid relative ROS topic name (it goes under each robot's namespace). */
export const relativeTopicCheck = (v: string): string | undefined =>
  topicCheck(v) ?? (RELATIVE_TOPIC.test(v) ? undefined : `must be relative to the robot's namespace (no leading '/' or '~/'): ${quote(v)}`);

/** The parameters that name the swarm's robots, shared by the controller and the simulator. */
export const ROBOT_PARAMS: readonly ParamSpec[] = [
  { name: 'robot_names', type: 'string_array', default: [], readOnly: true, description: 'Robot namespaces, e.g. [tb3_0, tb3_1]. Empty: robot_prefix followed by 0 .. robot_count-1.', check: (v: string[]) => v.some((n) => !NAME.test(n)) ? `contains an invalid name ${quote(v.find((n) => !NAME.test(n)))}` : new Set(v).size !== v.length ? 'contains a name twice' : undefined },
  { name: 'robot_prefix', type: 'string', default: 'robot_', readOnly: true, description: 'Namespace prefix of the robots when robot_names is empty.', check: (v: string) => (NAME.test(v) ? undefined : `is not a valid namespace prefix: ${quote(v)}`) },
  { name: 'robot_count', type: 'integer', default: 10, min: 1, max: 10000, readOnly: true, description: 'Number of robots when robot_names is empty.' },
];

/** Robot namespaces from the parameters: robot_names, or robot_prefix + 0 .. robot_count-1. */
export function robotNames(v: ParamValues): string[] {
  const names = v.robot_names as string[];
  if (names.length > 0) return [...names];
  return Array.from({ length: Number(v.robot_count) }, (_, i) => `${String(v.robot_prefix)}${i}`);
}

/** Cross-parameter check of the robot parameters. */
export function robotCrossCheck(v: ParamValues): string | undefined {
  const names = v.robot_names as string[];
  if (names.length === 0 && !(Number(v.robot_count) >= 1)) return 'robot_count must be at least 1 when robot_names is empty';
  return undefined;
}
