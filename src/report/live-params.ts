/**
 * The live view's parameter panel, server side: which controller parameters it offers, and the check of a request
 * from the page before it goes the way `ros2 param set` goes (the controller node's own validation decides).
 */
import { quote } from '../io/quote.js';
import { CONTROLLER_SCHEMA } from '../params/controller.js';
import { fullDescription } from '../params/schema.js';
import type { ParamSpec, ParamValue, ParamValues } from '../params/schema.js';

/** Largest request body the panel accepts, bytes (a batch of a few parameters is well under 1 kB). */
export const MAX_PARAM_BODY = 8192;

/** Most parameters one request may set. */
const MAX_PARAMS = 32;

/** Parameters the panel leaves to other controls: the target is switched with the preset buttons, not by path. */
const NOT_FROM_PANEL = new Set(['target', 'target_file']);

/** One row of the panel: a live controller parameter with its current value. */
export interface PanelParam {
  readonly name: string;
  readonly type: ParamSpec['type'];
  readonly value: ParamValue;
  readonly unit: string;
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
  readonly description: string;
}

/** The live parameters of the controller (every one `ros2 param set` may change, the target aside) with their values in `v`. */
export function panelParams(v: ParamValues): PanelParam[] {
  return CONTROLLER_SCHEMA.filter((p) => !p.readOnly && !NOT_FROM_PANEL.has(p.name) && (p.type === 'double' || p.type === 'integer' || p.type === 'bool' || p.type === 'string')).map((p) => ({
    name: p.name,
    type: p.type,
    value: v[p.name],
    unit: p.unit ?? '',
    ...(p.min !== undefined ? { min: p.min } : {}),
    ...(p.max !== undefined ? { max: p.max } : {}),
    ...(p.choices ? { choices: p.choices } : {}),
    description: fullDescription(p),
  }));
}

/** A request refused before it reaches the controller: the HTTP status and why. */
export interface RequestRefusal {
  readonly code: number;
  readonly reason: string;
}

/**
 * The parameter updates a POST /params request asks for, or why it is refused: it must be JSON (content type
 * application/json, at most MAX_PARAM_BODY bytes), an object of at most MAX_PARAMS names. Names and values are then
 * the controller's to judge (unknown names, types, ranges, read-only, cross-checks), as for any `ros2 param set`;
 * the target parameters are refused here (the page switches targets with its preset buttons). Reasons quote no
 * more than a few dozen characters of what was sent.
 */
export function paramRequest(contentType: string | undefined, body: string): { ok: true; updates: ParamValues } | { ok: false; refusal: RequestRefusal } {
  const refuse = (code: number, reason: string) => ({ ok: false as const, refusal: { code, reason } });
  if (!/^application\/json(\s*;|$)/i.test(contentType ?? '')) return refuse(415, `the body must be application/json, got ${contentType ? quote(contentType) : 'no content type'}`);
  if (Buffer.byteLength(body) > MAX_PARAM_BODY) return refuse(413, `the body is larger than ${MAX_PARAM_BODY} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return refuse(400, 'the body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return refuse(400, 'the body must be a JSON object of parameter names and values, e.g. {"max_linear_speed": 0.3}');
  const names = Object.keys(parsed);
  if (names.length === 0) return refuse(400, 'the body names no parameter');
  if (names.length > MAX_PARAMS) return refuse(400, `at most ${MAX_PARAMS} parameters at once, got ${names.length}`);
  const target = names.find((n) => NOT_FROM_PANEL.has(n));
  if (target) return refuse(400, `parameter '${target}' is not set from this page: switch the target with its buttons`);
  return { ok: true, updates: parsed as ParamValues };
}
