import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { FileReadError, readRegularFile } from '../io/files.js';
import { loadMapFile } from '../io/map.js';
import type { Scenario } from './scenario.js';
import { parseScenario } from './scenario.js';
import { ConfigError } from './validate.js';

/** Largest scenario file read, bytes (a list of positions for the largest swarm fits). */
export const MAX_SCENARIO_BYTES = 1 << 28;

/** Reads and validates a scenario YAML file; map paths are relative to the scenario's folder. */
export function loadScenario(path: string): Scenario {
  const file = resolve(path);
  let text: string;
  try {
    text = readRegularFile(file, MAX_SCENARIO_BYTES).toString('utf8');
  } catch (e) {
    throw new ConfigError('', `scenario file ${(e as FileReadError).problem}`, path);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new ConfigError('', `is not valid YAML: ${(e as Error).message.split('\n')[0]}`, path);
  }
  try {
    return parseScenario(doc, (p) => loadMapFile(resolve(dirname(file), p)));
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(e.key, e.problem, path);
    throw e;
  }
}
