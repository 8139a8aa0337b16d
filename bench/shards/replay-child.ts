/**
 * Child process of `replayIsolated`: replays the instance recorded in the file given as its argument and sends the
 * measures to its parent.
 */
import { disablePretenuring } from '../../src/standalone/v8-tuning.js';
import { readInputs, replayInputs } from './replay.js';

// As the standalone mode runs: the replayed messages wait on the in-process bus until its flush, which a ROS process's
// messages do not (src/standalone/v8-tuning.ts).
disablePretenuring();

const path = process.argv[2];
if (!path || !process.send) {
  process.stderr.write('usage: forked by replayIsolated with the path of an instance recording\n');
  process.exit(2);
}
const result = replayInputs(readInputs(path));
process.send(result, () => process.exit(0));
