import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTROLLER_SCHEMA } from '../../src/params/controller.js';
import { defaults } from '../../src/params/schema.js';
import { MAX_PARAM_BODY, panelParams, paramRequest } from '../../src/report/live-params.js';

const JSON_TYPE = 'application/json';

interface Case {
  readonly name: string;
  readonly type: string | undefined;
  readonly body: string;
  readonly code: number;
  readonly says: RegExp;
}

const CASES: readonly Case[] = [
  { name: 'no content type', type: undefined, body: '{"rate": 5}', code: 415, says: /must be application\/json, got no content type/ },
  { name: 'a form post (what a cross-site form sends)', type: 'application/x-www-form-urlencoded', body: 'rate=5', code: 415, says: /got 'application\/x-www-form-urlencoded'/ },
  { name: 'text/plain', type: 'text/plain', body: '{"rate": 5}', code: 415, says: /application\/json/ },
  { name: 'a huge body', type: JSON_TYPE, body: `{"rate": ${'1'.repeat(MAX_PARAM_BODY)}}`, code: 413, says: /larger than 8192 bytes/ },
  { name: 'bad JSON', type: JSON_TYPE, body: '{"rate": 5', code: 400, says: /^the body is not valid JSON$/ },
  { name: 'bad JSON that holds a secret is not echoed', type: JSON_TYPE, body: 'root:$6$hunter2', code: 400, says: /^the body is not valid JSON$/ },
  { name: 'an array', type: JSON_TYPE, body: '[["rate", 5]]', code: 400, says: /a JSON object of parameter names and values/ },
  { name: 'null', type: JSON_TYPE, body: 'null', code: 400, says: /a JSON object/ },
  { name: 'a number', type: JSON_TYPE, body: '5', code: 400, says: /a JSON object/ },
  { name: 'no parameter', type: JSON_TYPE, body: '{}', code: 400, says: /names no parameter/ },
  { name: 'too many parameters', type: JSON_TYPE, body: JSON.stringify(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}`, i]))), code: 400, says: /at most 32 parameters at once, got 40/ },
  { name: 'a target file path from the page', type: JSON_TYPE, body: '{"target_file": "/etc/shadow"}', code: 400, says: /'target_file' is not set from this page/ },
  { name: 'an inline target from the page', type: JSON_TYPE, body: '{"rate": 5, "target": "{}"}', code: 400, says: /'target' is not set from this page/ },
];

test('parameter requests from the page: everything but a JSON object of a few names is refused with a clear 4xx', () => {
  const problems: string[] = [];
  for (const c of CASES) {
    const r = paramRequest(c.type, c.body);
    if (r.ok) problems.push(`${c.name}: accepted`);
    else {
      if (r.refusal.code !== c.code) problems.push(`${c.name}: ${r.refusal.code}, expected ${c.code}`);
      if (!c.says.test(r.refusal.reason)) problems.push(`${c.name}: reason '${r.refusal.reason}'`);
      if (r.refusal.reason.length > 120) problems.push(`${c.name}: a ${r.refusal.reason.length}-character reason`);
    }
  }
  assert.deepEqual(problems, []);
});

test('a well-formed request passes on its names and values for the controller to judge (unknown names too)', () => {
  const r = paramRequest('application/json; charset=utf-8', '{"max_linear_speed": 0.3, "no_such_thing": 1}');
  assert.ok(r.ok);
  assert.deepEqual(r.updates, { max_linear_speed: 0.3, no_such_thing: 1 });
});

test("the panel lists the controller's live parameters with their values, ranges and units, and not the target", () => {
  const v = { ...defaults(CONTROLLER_SCHEMA), max_linear_speed: 0.4 };
  const rows = panelParams(v);
  const names = rows.map((p) => p.name);
  assert.ok(names.includes('max_linear_speed') && names.includes('safety') && names.includes('algorithm'));
  assert.ok(!names.includes('robot_count') && !names.includes('pose_topic'), 'no read-only parameter');
  assert.ok(!names.includes('target') && !names.includes('target_file'));
  const speed = rows.find((p) => p.name === 'max_linear_speed')!;
  assert.deepEqual([speed.value, speed.unit, speed.min, speed.max, speed.type], [0.4, 'm/s', 0.001, 20, 'double']);
  assert.match(speed.description, /Linear speed limit.*Range \[0\.001, 20\] m\/s/);
  assert.deepEqual(rows.find((p) => p.name === 'drive')!.choices, ['holonomic', 'diff_drive']);
  assert.equal(rows.length, CONTROLLER_SCHEMA.filter((p) => !p.readOnly).length - 2);
});
