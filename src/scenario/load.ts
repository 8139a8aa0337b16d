import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { FileReadError, readRegularFile } from '../io/files.js';
import { loadMapFile } from '../io/map.js';
import { yamlProblem } from '../io/quote.js';
import type { Scenario } from './scenario.js';
import { parseScenario } from './scenario.js';
import { ConfigError } from './validate.js';

/**
 * Largest scenario file read, bytes: the positions of the largest swarm (100,000 robots) take about 4 MB. The YAML
 * parser reads a flow list of 100,000 pairs in 13 s here, so larger files would only be slow; JSON (a subset of
 * YAML) is read by JSON.parse, in 0.5 s.
 */
export const MAX_SCENARIO_BYTES = 1 << 24;

/**
 * Reads and validates a scenario YAML file; map paths are relative to the scenario's folder. `read`, when given,
 * receives the path of every file read (the scenario, map YAML files, their images).
 */
export function loadScenario(path: string, read?: string[]): Scenario {
  const file = resolve(path);
  read?.push(file);
  let text: string;
  try {
    text = readRegularFile(file, MAX_SCENARIO_BYTES).toString('utf8');
  } catch (e) {
    throw new ConfigError('', `scenario file ${(e as FileReadError).problem}`, path);
  }
  let doc: unknown;
  try {
    doc = parseYamlOrJson(text);
  } catch (e) {
    throw new ConfigError('', yamlProblem(e), path);
  }
  try {
    return parseScenario(doc, (p) => {
      const map = loadMapFile(resolve(dirname(file), p));
      read?.push(map.path, map.imagePath);
      return map;
    });
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(e.key, e.problem, path);
    throw e;
  }
}

/** Parses a YAML document, taking the fast path for a JSON one (JSON is YAML; a big list of positions parses 30x faster). */
export function parseYamlOrJson(text: string): unknown {
  if (/^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // Not JSON after all (YAML flow style): the YAML parser decides.
    }
  }
  return parse(text);
}
