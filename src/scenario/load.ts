import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadMapFile } from '../io/map.js';
import type { Scenario } from './scenario.js';
import { parseScenario } from './scenario.js';
import { ConfigError } from './validate.js';

/** Reads and validates a scenario YAML file; map paths are relative to the scenario's folder. */
export function loadScenario(path: string): Scenario {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError('', code === 'ENOENT' ? 'scenario file not found' : `cannot read scenario file (${code})`, path);
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
