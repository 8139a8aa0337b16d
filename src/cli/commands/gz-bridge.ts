/** `blob-coverage gz-bridge`: the ros_gz_bridge YAML of a Gazebo swarm. */
import { gzBridgeYaml } from '../../deploy/gz-bridge.js';
import { parseCommand } from '../args.js';
import { GZ_BRIDGE } from '../command-table.js';
import { checkOutputs, writeFileAtomic } from '../output/output.js';
import { relativeTopicFlag, robotNamesFlag } from '../robot-flags.js';

/** `gz-bridge --robots N [--prefix P] [--cmd-topic T] [--pose-topic T] [--out FILE]` (stdout without --out). */
export function gzBridgeCommand(args: string[]): number {
  const { values } = parseCommand(GZ_BRIDGE, args);
  const names = robotNamesFlag(values.robots, values.prefix);
  if (values.out) checkOutputs([{ flag: '--out', path: values.out }]);
  const topics = { cmdTopic: relativeTopicFlag('--cmd-topic', values['cmd-topic']), poseTopic: relativeTopicFlag('--pose-topic', values['pose-topic']) };
  const text = gzBridgeYaml(names, topics);
  if (values.out) writeFileAtomic(values.out, text);
  else process.stdout.write(text);
  return 0;
}
