/**
 * The safety property over many random parameter sets (a longer version of the property test in
 * test/standalone/safety-property.test.ts): each case drives a swarm into a tight target with parameters the
 * controller's schema accepts (see randomSafetyCase), through the real controller node and the simulator, and
 * checks every pair at every physics step.
 *
 *   npm run study:safety -- [cases=200] [first seed=1] [robots=24] [seconds=8]
 *
 * Prints one line per case that breaks the minimum separation (or enters the obstacle) and a summary.
 */
import { randomSafetyCase, runSafetyCase } from '../src/standalone/safety-case.js';

const [cases, first, robots, seconds] = [200, 1, 24, 8].map((d, k) => Number(process.argv[2 + k] ?? d));
let worstBreach = 0;
let worstObstacle = 0;
let inside = 0;
let failures = 0;
let overrides = 0;
let robotTicks = 0;
let separated = 0;
let overlapping = 0;
const started = process.cpuUsage();
for (let seed = first; seed < first + cases; seed++) {
  const c = randomSafetyCase(seed, { count: robots, duration: seconds });
  const r = runSafetyCase(c);
  worstBreach = Math.max(worstBreach, r.worstBreach);
  worstObstacle = Math.max(worstObstacle, r.worstObstacleShortfall);
  inside += r.insideObstacle;
  overrides += r.overrides;
  robotTicks += r.ticks * c.count;
  if (c.start !== 'grid') {
    overlapping++;
    if (r.finalClosestPair >= r.minSeparation - 1e-3) separated++;
  }
  if (r.worstBreach > 1e-6 || r.insideObstacle > 0 || r.worstObstacleShortfall > 1e-6) {
    failures++;
    console.log(`seed ${seed}: breach ${(r.worstBreach * 1000).toFixed(3)} mm at ${JSON.stringify(r.breachAt)}, obstacle ${(r.worstObstacleShortfall * 1000).toFixed(3)} mm, inside ${r.insideObstacle}: ${JSON.stringify(c)}`);
  }
}
const cpu = process.cpuUsage(started);
console.log(`${cases} cases (seeds ${first}..${first + cases - 1}, ${robots} robots, ${seconds} s each): ${failures} broke the separation or an obstacle`);
console.log(`worst breach of the minimum separation ${(worstBreach * 1000).toFixed(4)} mm; worst obstacle shortfall ${(worstObstacle * 1000).toFixed(4)} mm; centre-steps inside the obstacle ${inside}`);
console.log(`coincident or packed starts separated within the run: ${separated} of ${overlapping}`);
console.log(`acceleration-limit overrides: ${overrides} of ${robotTicks} robot-ticks (${((100 * overrides) / Math.max(1, robotTicks)).toFixed(1)}%)`);
console.log(`CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
