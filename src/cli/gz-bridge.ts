/** `blob-coverage gz-bridge`: the ros_gz_bridge YAML of a Gazebo swarm. */
import { parseArgs } from 'node:util';
import { gzBridgeYaml } from '../deploy/gz-bridge.js';
import { checkOutputs, writeFileAtomic } from './output.js';
import { relativeTopicFlag, robotNamesFlag } from './robot-flags.js';

/** `gz-bridge --robots N [--prefix P] [--cmd-topic T] [--pose-topic T] [--out FILE]` (stdout without --out). */
export function gzBridgeCommand(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      robots: { type: 'string' },
      prefix: { type: 'string', default: 'robot_' },
      'cmd-topic': { type: 'string', default: 'cmd_vel' },
      'pose-topic': { type: 'string', default: 'odom' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const names = robotNamesFlag(values.robots, values.prefix);
  if (values.out) checkOutputs([{ flag: '--out', path: values.out }]);
  const topics = { cmdTopic: relativeTopicFlag('--cmd-topic', values['cmd-topic']), poseTopic: relativeTopicFlag('--pose-topic', values['pose-topic']) };
  const text = gzBridgeYaml(names, topics);
  if (values.out) writeFileAtomic(values.out, text);
  else process.stdout.write(text);
  return 0;
}
