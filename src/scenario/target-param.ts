import { resolve } from 'node:path';
import { loadMapFile } from '../io/map.js';
import { yamlProblem } from '../io/quote.js';
import type { Target } from '../engine/target.js';
import { loadScenario, parseYamlOrJson } from './load.js';
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
