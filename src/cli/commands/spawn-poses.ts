/** `blob-coverage spawn-poses`: where to spawn a Gazebo swarm, from a scenario. */
import { spawnPoses } from '../../deploy/spawn-poses.js';
import { simulatorLayout } from '../../sim/simulator-node.js';
import { UsageError } from '../errors.js';
import { quote, quotePath } from '../../io/quote.js';
import { parseCommand } from '../args.js';
import { SPAWN_POSES } from '../command-table.js';
import { checkOutputs, writeFileAtomic } from '../output/output.js';
import { robotNamesFlag } from '../robot-flags.js';

/** `spawn-poses --scenario FILE --robots N [--prefix P] [--min-separation M] [--out FILE]`: a JSON array of poses. */
export function spawnPosesCommand(args: string[]): number {
  const { values } = parseCommand(SPAWN_POSES, args);
  const names = robotNamesFlag(values.robots, values.prefix);
  const separation = Number(values['min-separation']);
  if (!(separation > 0 && Number.isFinite(separation))) throw new UsageError(`--min-separation must be a positive number of metres, got ${quote(values['min-separation'])}`);
  if (values.out) checkOutputs([{ flag: '--out', path: values.out }], values.scenario ? [values.scenario] : []);
  const layout = simulatorLayout(values.scenario ?? '', names.length);
  if (!layout.domain) throw new UsageError('spawn-poses needs --scenario FILE (its initial layout places the robots)');
  const r = spawnPoses(names, layout.initial, layout.domain, separation);
  if (!r.ok) throw new UsageError(`${quotePath(values.scenario ?? '')}: ${r.reason}`);
  const text = `[\n${r.poses.map((p) => `  ${JSON.stringify(p)}`).join(',\n')}\n]\n`;
  if (values.out) writeFileAtomic(values.out, text);
  else process.stdout.write(text);
  return 0;
}
