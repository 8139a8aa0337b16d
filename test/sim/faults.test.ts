import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { MSG, secondsOf } from '../../src/node/messages.js';
import type { ParamValues } from '../../src/params/schema.js';
import { loadScenario } from '../../src/scenario/load.js';
import { createStandalone } from '../../src/standalone/run.js';
import { quiet, rig, twist } from './rig.js';
import type { Rig } from './rig.js';

/** One odometry message as the driver saw it: arrival time on the virtual clock, header stamp, published x. */
interface Arrival {
  at: number;
  stamp: number;
  x: number;
}

function arrivals(r: Rig, robot: number): Arrival[] {
  const got: Arrival[] = [];
  r.driver.createSubscription(MSG.Odometry, `/robot_${robot}/odom`, 'sensor', (m) => got.push({ at: r.clock.now(), stamp: secondsOf(m.header.stamp), x: m.pose.pose.position.x }));
  return got;
}

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tol ${tol})`);
const deadIn = (alive: Uint8Array) => alive.reduce((n, a) => n + (a ? 0 : 1), 0);

test('pose_delay: a pose measured at t arrives at t + pose_delay, stamped t, holding the pose of time t, in order', () => {
  const r = rig({ robot_count: 2, pose_delay: 0.2, cmd_timeout: 60, also_pose_stamped: true }, { initial: new Float64Array([0, 0, 5, 0]) });
  const odom = arrivals(r, 0);
  const poses: { at: number; stamp: number }[] = [];
  r.driver.createSubscription(MSG.PoseStamped, '/robot_0/pose', 'sensor', (m) => poses.push({ at: r.clock.now(), stamp: secondsOf(m.header.stamp) }));
  r.driver.createPublisher(MSG.Twist, '/robot_0/cmd_vel', 'command').publish(twist(1));
  r.bus.flush();
  r.clock.advanceTo(0.21);
  assert.equal(odom.length, 0, 'nothing before the first pose (measured at 0.02) is 0.2 s old');
  assert.equal(r.sim.stats().inFlight, 20);
  r.clock.advanceTo(2);
  assert.equal(odom.length, 90, 'measured at 0.02 .. 1.80');
  odom.forEach((a, k) => {
    const t = (k + 1) / 50;
    close(a.stamp, t, 1e-9, `stamp ${k}`);
    close(a.at, t + 0.2, 1e-9, `arrival ${k}`);
    // The robot runs at 1 m/s from x = 0: the pose is the one of the measurement time, not of the arrival.
    close(a.x, t, 1e-9, `x ${k}`);
  });
  assert.deepEqual(poses, odom.map(({ at, stamp }) => ({ at, stamp })), 'PoseStamped goes with the odometry');
  const s = r.sim.stats();
  assert.deepEqual([s.measured, s.published, s.inFlight], [200, 180, 20]);

  // A delay that is not a whole number of ticks is served at the first tick at or after it: 0.05 s at 50 Hz -> 0.06 s.
  const odd = rig({ robot_count: 1, pose_delay: 0.05 });
  const late = arrivals(odd, 0);
  odd.clock.advanceTo(1);
  assert.equal(late.length, 47);
  for (const a of late) close(a.at - a.stamp, 0.06, 1e-9, 'rounded up to the next tick');
});

test('pose_delay_jitter: a seeded extra delay in [0, jitter), a robot\'s messages never reordered, none lost, noise untouched', () => {
  const run = (seed: number, jitter: number) => {
    const r = rig({ robot_count: 3, pose_delay: 0.1, pose_delay_jitter: jitter, pose_noise: 0.05, seed });
    const got = [0, 1, 2].map((i) => arrivals(r, i));
    r.clock.advanceTo(5);
    return { r, got };
  };
  const a = run(7, 0.3);
  const s = a.r.sim.stats();
  assert.equal(s.measured, 750);
  assert.equal(s.published + s.inFlight, 750, 'none lost');
  assert.equal(a.got.flat().length, s.published);
  for (const got of a.got) {
    for (let k = 1; k < got.length; k++) {
      assert.ok(got[k].stamp > got[k - 1].stamp, `order kept at message ${k}`);
      assert.ok(got[k].at >= got[k - 1].at);
    }
    const delays = got.map((g) => g.at - g.stamp);
    // At least pose_delay; below pose_delay + jitter, plus less than one tick of rounding up.
    for (const d of delays) assert.ok(d >= 0.1 - 1e-9 && d < 0.1 + 0.3 + 0.02, `delay ${d}`);
    assert.ok(new Set(delays.map((d) => Math.round(d * 50))).size >= 10, 'the jitter shows');
  }
  const delaysOf = (x: typeof a) => x.got.map((g) => g.map((m) => m.at - m.stamp));
  assert.deepEqual(run(7, 0.3).got, a.got, 'same seed, same run');
  assert.notDeepEqual(delaysOf(run(8, 0.3)), delaysOf(a), 'another seed, other delays');
  // The jitter draws from its own stream: every measurement carries the noise it has without jitter.
  const steady = run(7, 0);
  for (let i = 0; i < 3; i++) {
    const xAt = new Map(steady.got[i].map((g) => [g.stamp, g.x]));
    for (const g of a.got[i]) assert.equal(g.x, xAt.get(g.stamp), `robot ${i} at ${g.stamp}`);
  }
});

test('pose_delay changes live: a longer delay opens a gap, a shorter one does not let new poses overtake queued ones', () => {
  const r = rig({ robot_count: 1 });
  const got = arrivals(r, 0);
  r.clock.advanceTo(1);
  assert.deepEqual(r.handle.setParameters({ pose_delay: 0.5 }), { successful: true });
  r.clock.advanceTo(3);
  assert.deepEqual(r.handle.setParameters({ pose_delay: 0.0 }), { successful: true });
  r.clock.advanceTo(4);
  assert.equal(got.length, 200, 'none lost');
  assert.equal(r.sim.stats().inFlight, 0);
  for (let k = 1; k < got.length; k++) assert.ok(got[k].stamp > got[k - 1].stamp && got[k].at >= got[k - 1].at, `order at ${k}`);
  const delayOf = (stamp: number) => {
    const g = got.find((m) => Math.abs(m.stamp - stamp) < 1e-6);
    assert.ok(g, `a message stamped ${stamp}`);
    return g.at - g.stamp;
  };
  close(delayOf(1.0), 0, 1e-9, 'before the change');
  close(delayOf(1.02), 0.5, 1e-9, 'from the next tick');
  close(delayOf(3.0), 0.5, 1e-9, 'until the second change');
  close(delayOf(3.02), 0.48, 1e-9, 'then waiting behind the pose stamped 3.0, due at 3.5');
  close(delayOf(3.52), 0, 1e-9, 'and no delay once the queue has drained');
  assert.equal(got.filter((m) => m.at > 1.01 && m.at < 1.51).length, 0, 'a 0.5 s gap after the first change');
});

test('failure_rate: robots die at the configured rate, reproducibly', () => {
  const n = 1000;
  const run = (seed: number) => rig({ robot_count: n, failure_rate: 0.5, seed });
  const r = run(3);
  for (const t of [1, 2]) {
    r.clock.advanceTo(t);
    // Each robot is dead by t with probability 1 - exp(-0.5 t); the seed fixes the outcome, 5 sd cannot be missed by chance.
    const expected = -n * Math.expm1(-0.5 * t);
    const sd = Math.sqrt(expected * (1 - expected / n));
    const s = r.sim.stats();
    assert.ok(Math.abs(s.dead - expected) < 5 * sd, `t = ${t}: ${s.dead} dead, expected ${expected.toFixed(1)} +- ${sd.toFixed(1)}`);
    assert.equal(deadIn(r.sim.alive()), s.dead);
    assert.equal(s.deaths, s.dead);
  }
  const again = run(3);
  again.clock.advanceTo(2);
  assert.deepEqual(again.sim.alive(), r.sim.alive(), 'same seed, same deaths');
  const other = run(4);
  other.clock.advanceTo(2);
  assert.notDeepEqual(other.sim.alive(), r.sim.alive(), 'another seed, other deaths');
});

test('failures draw from their own stream: noise and drops are those of a run without failures, and kill() changes no other fate', () => {
  const n = 20;
  const run = (failureRate: number, killAtHalfSecond: number[] = []) => {
    const r = rig({ robot_count: n, pose_noise: 0.1, drop_probability: 0.2, failure_rate: failureRate, seed: 9 });
    const got = Array.from({ length: n }, (_, i) => arrivals(r, i));
    r.clock.advanceTo(0.5);
    r.sim.kill(killAtHalfSecond);
    r.clock.advanceTo(2);
    return { r, got };
  };
  const healthy = run(0);
  const failing = run(0.5);
  const alive = failing.r.sim.alive();
  const dead = deadIn(alive);
  assert.ok(dead > 0 && dead < n, `${dead} of ${n} dead`);
  for (let i = 0; i < n; i++) {
    const seen = failing.got[i].length;
    assert.deepEqual(failing.got[i], healthy.got[i].slice(0, seen), `robot ${i}: same noise and drops while it lived`);
    if (!alive[i]) assert.ok(seen < healthy.got[i].length, `robot ${i} fell silent when it died`);
    else assert.equal(seen, healthy.got[i].length);
  }
  const killed = run(0.5, [0]);
  assert.equal(killed.r.sim.alive()[0], 0);
  assert.deepEqual(killed.r.sim.alive().slice(1), alive.slice(1));
});

test('a robot that fails at random stops where it is, for good: it ignores commands and publishes nothing', () => {
  const r = rig({ robot_count: 4, failure_rate: 10, cmd_timeout: 60, seed: 1 });
  const got = [0, 1, 2, 3].map((i) => arrivals(r, i));
  const commands = [0, 1, 2, 3].map((i) => r.driver.createPublisher(MSG.Twist, `/robot_${i}/cmd_vel`, 'command'));
  const driveAll = () => {
    for (const c of commands) c.publish(twist(1));
    r.bus.flush();
  };
  driveAll();
  r.clock.advanceTo(2); // survival exp(-20)
  assert.equal(r.sim.stats().dead, 4);
  const frozen = r.sim.positions();
  const counts = got.map((g) => g.length);
  for (let i = 0; i < 4; i++) {
    // Robot i (from x = 2i at 1 m/s) published one pose per tick and died at the tick after its last one.
    close(frozen[2 * i], 2 * i + 0.02 * (counts[i] + 1), 1e-9, `robot ${i} stopped where it died`);
    if (counts[i] > 0) close(got[i][counts[i] - 1].x, frozen[2 * i] - 0.02, 1e-9, `robot ${i}'s last pose`);
  }
  assert.ok(counts.some((c) => c > 0), 'some robot lived a few ticks');
  driveAll();
  r.clock.advanceTo(3);
  assert.deepEqual(r.sim.positions(), frozen, 'commands to dead robots are ignored');
  assert.deepEqual(got.map((g) => g.length), counts, 'dead robots publish nothing');
});

test('kill and revive: a killed robot freezes, ignores commands and falls silent; a revived one publishes and obeys again', () => {
  const r = rig({ robot_count: 3, cmd_timeout: 10 }, { initial: new Float64Array([0, 0, 1, 0, 2, 0]) });
  const got = [0, 1, 2].map((i) => arrivals(r, i));
  const cmd = [0, 1].map((i) => r.driver.createPublisher(MSG.Twist, `/robot_${i}/cmd_vel`, 'command'));
  cmd[0].publish(twist(1));
  cmd[1].publish(twist(1));
  r.bus.flush();
  r.clock.advanceTo(0.5);
  r.sim.kill([1]);
  assert.deepEqual([...r.sim.alive()], [1, 0, 1]);
  assert.deepEqual([r.sim.stats().dead, r.sim.stats().deaths], [1, 1]);
  close(r.sim.positions()[2], 1.5, 1e-12, 'robot 1 when it was killed');
  r.clock.advanceTo(1);
  cmd[1].publish(twist(1));
  r.bus.flush();
  r.clock.advanceTo(1.5);
  close(r.sim.positions()[2], 1.5, 1e-12, 'robot 1 stays, its command and a new one ignored');
  close(r.sim.positions()[0], 1.5, 1e-12, 'robot 0 goes on');
  assert.equal(got[1].length, 25, 'robot 1 published until it was killed');
  assert.ok(got[1].every((m) => m.stamp <= 0.5 + 1e-9));
  assert.equal(got[0].length, 75);

  r.sim.kill([1]);
  assert.equal(r.sim.stats().deaths, 1, 'killing a dead robot does nothing');
  assert.throws(() => r.sim.kill([0, 3]), /3 is not a robot index \(0 \.\. 2\)/);
  assert.throws(() => r.sim.kill([-1]), RangeError);
  assert.throws(() => r.sim.revive([1, 0.5]), /0.5 is not a robot index/);
  assert.deepEqual([...r.sim.alive()], [1, 0, 1], 'a refused call changes nothing');

  r.sim.revive([1, 2]);
  assert.deepEqual([...r.sim.alive()], [1, 1, 1]);
  assert.deepEqual([r.sim.stats().dead, r.sim.stats().deaths], [0, 1]);
  r.clock.advanceTo(2);
  // Back where it died, standing still: its command from before its death (10 s timeout) is forgotten.
  close(r.sim.positions()[2], 1.5, 1e-12, 'a revived robot waits for a command');
  assert.equal(got[1].length, 50, 'and publishes again');
  assert.ok(got[1].slice(25).every((m) => m.stamp > 1.5 && m.x === r.sim.positions()[2]));
  cmd[1].publish(twist(1));
  r.bus.flush();
  r.clock.advanceTo(2.5);
  close(r.sim.positions()[2], 2.0, 1e-12, 'then obeys');
});

test('a killed robot\'s poses already in the delay line still arrive; none measured after its death', () => {
  const r = rig({ robot_count: 1, pose_delay: 0.3 });
  const got = arrivals(r, 0);
  r.clock.advanceTo(1);
  r.sim.kill([0]);
  assert.equal(r.sim.stats().inFlight, 15);
  r.clock.advanceTo(2);
  assert.equal(got.length, 50);
  close(got[49].stamp, 1.0, 1e-9, 'the last pose is the one measured at the death');
  close(got[49].at, 1.3, 1e-9, 'delivered after it');
  assert.equal(r.sim.stats().inFlight, 0);
});

test('stats stay consistent with every fault on: one measurement per live robot per tick, each published, dropped or in flight', () => {
  const n = 50;
  const r = rig({ robot_count: n, pose_noise: 0.01, drop_probability: 0.2, pose_delay: 0.1, pose_delay_jitter: 0.1, failure_rate: 0.3, seed: 4 });
  let received = 0;
  for (let i = 0; i < n; i++) r.driver.createSubscription(MSG.Odometry, `/robot_${i}/odom`, 'sensor', () => received++);
  let measured = 0;
  for (let k = 1; k <= 150; k++) {
    if (k === 50) r.sim.kill([0, 1, 2]);
    if (k === 100) r.sim.revive([0, 1, 2]);
    r.clock.advanceTo(k / 50);
    const alive = r.sim.alive();
    measured += n - deadIn(alive);
    const s = r.sim.stats();
    assert.equal(s.ticks, k);
    assert.equal(s.measured, measured, `tick ${k}`);
    assert.equal(s.published + s.dropped + s.inFlight, s.measured, `tick ${k}`);
    assert.equal(received, s.published);
    assert.equal(s.dead, deadIn(alive));
  }
  const s = r.sim.stats();
  assert.ok(s.dropped > 0 && s.inFlight > 0 && s.dead > 0, JSON.stringify(s));
  assert.ok(s.deaths > s.dead, 'revived robots leave their deaths counted');
});

test('the fault parameters change live; invalid values are refused with a reason and change nothing', () => {
  const r = rig({ robot_count: 50, seed: 2 });
  r.clock.advanceTo(1);
  const refusals: [ParamValues, RegExp][] = [
    [{ failure_rate: 11 }, /'failure_rate' must be <= 10 1\/s, got 11/],
    [{ failure_rate: -1 }, /'failure_rate' must be >= 0 1\/s, got -1/],
    [{ failure_rate: '1' }, /'failure_rate' must be a finite double, got '1'/],
    [{ pose_delay: 5.5 }, /'pose_delay' must be <= 5 s, got 5.5/],
    [{ pose_delay: -0.1 }, /'pose_delay' must be >= 0 s, got -0.1/],
    [{ pose_delay_jitter: Number.NaN }, /'pose_delay_jitter' must be a finite double, got NaN/],
    // A batch is all or nothing: the valid pose_delay is not applied either.
    [{ pose_delay: 0.5, failure_rate: 20 }, /'failure_rate' must be <= 10/],
  ];
  for (const [u, re] of refusals) {
    const v = r.handle.setParameters(u);
    assert.ok(!v.successful && re.test(v.reason), `${JSON.stringify(u)}: ${JSON.stringify(v)}`);
  }
  r.clock.advanceTo(2);
  assert.deepEqual([r.sim.stats().dead, r.sim.stats().inFlight], [0, 0], 'still no failures and no delay');
  assert.deepEqual(r.handle.setParameters({ failure_rate: 10.0, pose_delay: 0.1 }), { successful: true });
  r.clock.advanceTo(2.5);
  const dead = r.sim.stats().dead;
  assert.ok(dead > 0 && r.sim.stats().inFlight > 0, `${dead} dead`);
  assert.deepEqual(r.handle.setParameters({ failure_rate: 0.0 }), { successful: true });
  r.clock.advanceTo(3);
  assert.equal(r.sim.stats().dead, dead, 'switched off: nobody else dies');
  assert.throws(() => rig({ pose_delay: 9 }), /'pose_delay' must be <= 5 s, got 9/);
});

test('the standalone mode hands the fault parameters to its simulator; the controller sees dead robots go stale', () => {
  const demo = fileURLToPath(new URL('../../scenarios/demo.yaml', import.meta.url));
  const s = createStandalone({ scenario: loadScenario(demo), scenarioPath: demo, drive: 'holonomic', simulator: { pose_delay: 0.3, failure_rate: 0.5 }, logger: () => quiet });
  let live = 0;
  s.controller.onTick = (t) => {
    live = t.live;
  };
  s.clock.advanceTo(1);
  const st = s.sim.stats();
  assert.ok(st.inFlight > 0, 'pose_delay reached the simulator');
  assert.ok(st.dead > 0, 'failure_rate reached the simulator');
  s.clock.advanceTo(3);
  const count = s.sim.names.length;
  const alive = count - s.sim.stats().dead;
  assert.ok(live < count && live >= alive, `controller: ${live} live robots; simulator: ${alive} alive of ${count}`);
});
