import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTROLLER_SCHEMA, controllerCrossCheck } from '../../src/params/controller.js';
import { applyUpdates, checkParam, defaults, fullDescription, parseParamText, specOf } from '../../src/params/schema.js';

test('every controller default passes its own checks, and names are unique', () => {
  const names = new Set<string>();
  for (const p of CONTROLLER_SCHEMA) {
    assert.equal(checkParam(p, p.default), undefined, p.name);
    assert.ok(!names.has(p.name), `duplicate ${p.name}`);
    names.add(p.name);
    assert.ok(p.description.length > 10, `${p.name} needs a description`);
  }
  assert.equal(controllerCrossCheck(defaults(CONTROLLER_SCHEMA)), undefined);
});

test('descriptions carry the range, unit and whether the parameter is live', () => {
  const rate = specOf(CONTROLLER_SCHEMA, 'rate')!;
  assert.match(fullDescription(rate), /Range \[1, 100\] Hz\. Live/);
  assert.match(fullDescription(specOf(CONTROLLER_SCHEMA, 'robot_count')!), /Read-only/);
  assert.match(fullDescription(specOf(CONTROLLER_SCHEMA, 'drive')!), /One of: holonomic, diff_drive/);
});

test('live updates: accepted, or refused with the reason and nothing changed', () => {
  const current = defaults(CONTROLLER_SCHEMA);
  const ok = applyUpdates(CONTROLLER_SCHEMA, current, { rate: 20, diffusivity: 0.5 }, { live: true });
  assert.ok(ok.ok && ok.values.rate === 20 && ok.values.diffusivity === 0.5);
  const refusals: [Record<string, unknown>, RegExp][] = [
    [{ rate: 0.5 }, /'rate' must be >= 1 Hz, got 0.5/],
    [{ rate: Number.NaN }, /'rate' must be a finite double/],
    [{ rate: '10' }, /'rate' must be a finite double, got '10'/],
    [{ robot_count: 5 }, /'robot_count' is read-only/],
    [{ drive: 'tank' }, /'drive' must be one of holonomic, diff_drive/],
    [{ gain: 1 }, /unknown parameter 'gain'/],
    [{ enabled: 1 }, /'enabled' must be true or false/],
  ];
  for (const [u, pattern] of refusals) {
    const r = applyUpdates(CONTROLLER_SCHEMA, current, u as never, { live: true });
    assert.ok(!r.ok);
    assert.match((r as { reason: string }).reason, pattern);
  }
  assert.deepEqual(current, defaults(CONTROLLER_SCHEMA));
});

test('start-up values may set read-only parameters; names and topics are checked', () => {
  const r = applyUpdates(CONTROLLER_SCHEMA, defaults(CONTROLLER_SCHEMA), { robot_count: 30, robot_names: ['tb3_0', 'tb3_1'] }, { live: false });
  assert.ok(r.ok);
  const bad = applyUpdates(CONTROLLER_SCHEMA, defaults(CONTROLLER_SCHEMA), { robot_names: ['a', 'a'] }, { live: false });
  assert.ok(!bad.ok && /contains a name twice/.test(bad.reason));
  const topic = applyUpdates(CONTROLLER_SCHEMA, defaults(CONTROLLER_SCHEMA), { cmd_topic: 'cmd vel' }, { live: false });
  assert.ok(!topic.ok && /not a valid ROS topic name/.test(topic.reason));
});

test('command-line text parses into typed values', () => {
  assert.equal(parseParamText(specOf(CONTROLLER_SCHEMA, 'rate')!, '12.5'), 12.5);
  assert.equal(parseParamText(specOf(CONTROLLER_SCHEMA, 'enabled')!, 'false'), false);
  assert.deepEqual(parseParamText(specOf(CONTROLLER_SCHEMA, 'robot_names')!, 'a, b'), ['a', 'b']);
  assert.throws(() => parseParamText(specOf(CONTROLLER_SCHEMA, 'rate')!, 'fast'), /parameter 'rate' must be a number \(such as 10\.0\), got 'fast'/);
});

test('-p values are read as ROS 2 reads them: lists in brackets, quotes, YAML booleans, auto where the schema has it', () => {
  const spec = (name: string) => specOf(CONTROLLER_SCHEMA, name)!;
  assert.deepEqual(parseParamText(spec('robot_names'), '[tb3_0,tb3_1]'), ['tb3_0', 'tb3_1']);
  assert.deepEqual(parseParamText(spec('robot_names'), "[ 'a', \"b\" ]"), ['a', 'b']);
  assert.deepEqual(parseParamText(spec('robot_names'), '[]'), []);
  assert.deepEqual(parseParamText(spec('pose_offsets'), '[0.0, -1.5, 3]'), [0, -1.5, 3]);
  assert.equal(parseParamText(spec('rate'), '-2'), -2, 'a negative number is a number (the range check refuses it later)');
  assert.equal(parseParamText(spec('enabled'), 'False'), false);
  assert.equal(parseParamText(spec('safety'), 'yes'), true);
  assert.equal(parseParamText(spec('target_file'), "'my file.yaml'"), 'my file.yaml');
  assert.equal(parseParamText(spec('epsilon'), 'auto'), 0);
  assert.throws(() => parseParamText(spec('rate'), 'auto'), /parameter 'rate' must be a number \(such as 10\.0\), got 'auto'$/);
  assert.throws(() => parseParamText(spec('epsilon'), 'wide'), /parameter 'epsilon' must be a number \(such as 10\.0\), or auto, got 'wide'/);
  assert.throws(() => parseParamText(spec('pose_offsets'), '[0.0, x]'), /parameter 'pose_offsets' must be a list of numbers/);
  assert.throws(() => parseParamText(spec('robot_names'), '[a, b'), /must be a list such as \[a, b\]/);
  assert.throws(() => parseParamText(spec('enabled'), 'maybe'), /parameter 'enabled' must be true or false, got 'maybe'/);
  assert.throws(() => parseParamText(spec('robot_count'), '"10"'), /must be an integer/, 'a quoted number is a string, as in ROS');
});

test('robot names and topic names follow the ROS 2 rules', () => {
  const start = (u: Record<string, unknown>) => applyUpdates(CONTROLLER_SCHEMA, defaults(CONTROLLER_SCHEMA), u as never, { live: false, crossCheck: controllerCrossCheck });
  const refused: [Record<string, unknown>, RegExp][] = [
    [{ robot_names: ['tb3_0', ''] }, /'robot_names' contains an invalid name ''/],
    [{ estop_topic: '~stop' }, /'estop_topic' is not a valid ROS topic name/],
    [{ cmd_topic: 'a/1b' }, /'cmd_topic' is not a valid ROS topic name/],
    [{ pose_topic: '/mocap/pose' }, /'pose_topic' must be relative to the robot's namespace/],
    [{ cmd_topic: '~/cmd_vel' }, /'cmd_topic' must be relative to the robot's namespace/],
    [{ pose_topic: 'p'.repeat(248) }, /'pose_topic' is longer than the 247 characters of a ROS topic name/],
  ];
  for (const [u, pattern] of refused) {
    const r = start(u);
    assert.ok(!r.ok, JSON.stringify(u));
    assert.match(r.reason, pattern);
  }
  for (const u of [{ estop_topic: '~/stop' }, { estop_topic: 'estop' }, { pose_topic: 'mocap/pose' }, { pose_topic: 'p'.repeat(247) }, { pose_type: 'tf', pose_topic: '/tf' }]) assert.ok(start(u).ok, JSON.stringify(u));
});
