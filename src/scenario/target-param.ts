import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadMapFile } from '../io/map.js';
import { FormulaError, parseFormula } from '../engine/target/formula.js';
import type { Box } from '../engine/target/geometry.js';
import { yamlProblem } from '../io/quote.js';
import type { Target } from '../engine/target/target.js';
import { MAX_SCENARIO_BYTES, loadScenario, parseYamlOrJson } from './load.js';
import { parseScenario } from './scenario.js';
import { scenarioTarget } from './setup.js';
import { ConfigError } from './validate.js';

/**
 * The controller's target from its parameters: `target` (inline scenario-style YAML with domain and target) wins,
 * then `target_file` (a scenario YAML), then `fallback`. Throws a ConfigError naming the parameter, the key and,
 * for a file, the file.
 */
export function targetFromParameters(inline: string, file: string, fallback: string): Target {
  if (inline.trim() !== '') {
    let doc: unknown;
    try {
      doc = parseYamlOrJson(inline);
    } catch (e) {
      throw new ConfigError('target', yamlProblem(e));
    }
    try {
      return scenarioTarget(parseScenario(doc, (p) => loadMapFile(resolve(p))));
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(e.key ? `target: ${e.key}` : 'target', e.problem);
      throw e;
    }
  }
  if (file.trim() === '') return scenarioTarget(loadScenario(fallback));
  try {
    return scenarioTarget(loadScenario(file));
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(e.key ? `target_file: ${e.key}` : 'target_file', e.problem, file);
    throw e;
  }
}

/** Longest inline `target` accepted, characters (a domain, a target and its obstacles; positions go in files). */
export const MAX_INLINE_TARGET = 1 << 16;

/** Longest `target_file` path accepted, characters. */
const MAX_PATH = 4096;

/** A value cut to a few dozen characters for a message. */
function cut(s: string, n = 60): string {
  return s.length > n ? `${s.slice(0, n)}...` : s;
}

/**
 * The quick checks of a target change, cheap enough for a parameter callback (nothing is read but the file's
 * metadata, nothing is evaluated): the inline YAML's size and syntax and its formula against the whitelist, or the
 * target file's kind and size. Returns the refusal, naming the parameter, and the domain when the inline YAML gives
 * one. What needs the file's contents (or the target's values) is checked when the target is built.
 */
export function targetSourceProblem(inline: string, file: string): { problem?: string; domain?: Box } {
  if (inline.trim() !== '') {
    if (inline.length > MAX_INLINE_TARGET) return { problem: new ConfigError('target', `is ${inline.length} characters long, more than ${MAX_INLINE_TARGET}: put the target in a file (target_file)`).message };
    let doc: unknown;
    try {
      doc = parseYamlOrJson(inline);
    } catch (e) {
      return { problem: new ConfigError('target', yamlProblem(e)).message };
    }
    const root = doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : undefined;
    if (!root) return { problem: new ConfigError('target', 'must be a YAML mapping with the keys domain and target').message };
    const t = root.target as Record<string, unknown> | undefined;
    if (t && typeof t === 'object' && t.type === 'expression' && typeof t.expr === 'string') {
      try {
        parseFormula(t.expr);
      } catch (e) {
        if (e instanceof FormulaError) return { problem: new ConfigError('target: target.expr', e.problem).message };
        throw e;
      }
    }
    const d = root.domain as Record<string, unknown> | undefined;
    const n = (k: string): number => (d && typeof d === 'object' && typeof d[k] === 'number' ? (d[k] as number) : Number.NaN);
    const box = { xmin: n('xmin'), xmax: n('xmax'), ymin: n('ymin'), ymax: n('ymax') };
    const valid = Object.values(box).every(Number.isFinite) && box.xmax > box.xmin && box.ymax > box.ymin;
    return valid ? { domain: box } : {};
  }
  if (file.trim() === '') return {};
  if (file.length > MAX_PATH) return { problem: new ConfigError('target_file', `is a path of ${file.length} characters, more than ${MAX_PATH}`).message };
  let problem: string | undefined;
  try {
    const stats = statSync(resolve(file));
    if (!stats.isFile()) problem = 'is not a regular file';
    else if (stats.size > MAX_SCENARIO_BYTES) problem = `is too large: ${stats.size} bytes (limit ${MAX_SCENARIO_BYTES})`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    problem = code === 'ENOENT' ? 'not found' : `cannot be read (${code ?? 'unknown error'})`;
  }
  return problem ? { problem: new ConfigError('target_file', `scenario file ${problem}`, cut(file)).message } : {};
}
