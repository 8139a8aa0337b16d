/** Command-line flags that name a swarm's robots, checked as the nodes check the parameters they stand for. */
import { ROBOT_PARAMS, topicCheck } from '../params/common.js';
import { checkParam, specOf } from '../params/schema.js';
import { quote } from '../io/quote.js';
import { UsageError } from './errors.js';

function checkFlag(param: 'robot_count' | 'robot_prefix', flag: string, value: number | string): void {
  const spec = specOf(ROBOT_PARAMS, param);
  const reason = spec && checkParam(spec, value);
  if (reason) throw new UsageError(reason.replace(`parameter '${param}'`, flag));
}

/** `--robots N --prefix P`: P0 .. P{N-1}, as the nodes name their robots from robot_count and robot_prefix. */
export function robotNamesFlag(robots: string | undefined, prefix: string): string[] {
  if (robots === undefined) throw new UsageError('needs --robots N');
  const count = Number(robots);
  checkFlag('robot_count', '--robots', count);
  checkFlag('robot_prefix', '--prefix', prefix);
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}

/** A topic name relative to each robot's namespace (as the nodes' cmd_topic and pose_topic). */
export function relativeTopicFlag(flag: string, value: string): string {
  if (topicCheck(value) !== undefined || /^[~/]/.test(value)) throw new UsageError(`${flag} must be a topic name relative to each robot's namespace, got ${quote(value)}`);
  return value;
}
