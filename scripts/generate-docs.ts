/**
 * Regenerates what the parameter schemas feed: the README's parameter tables and the `/**:` parameter files in
 * config/. Run `npm run gen:params` after changing a schema; a test fails while they are out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { CONTROLLER_SCHEMA } from '../src/params/controller.js';
import { markdownTable, parameterFile } from '../src/params/docs.js';
import { SIMULATOR_SCHEMA } from '../src/sim/params.js';

/** The generated pieces, by file and marker. */
export const GENERATED = {
  readme: [
    { marker: 'controller-parameters', text: markdownTable(CONTROLLER_SCHEMA) },
    { marker: 'simulator-parameters', text: markdownTable(SIMULATOR_SCHEMA) },
  ],
  files: [
    { path: 'config/controller.yaml', text: parameterFile(CONTROLLER_SCHEMA, 'blob_coverage_controller: every parameter at its default.') },
    { path: 'config/simulator.yaml', text: parameterFile(SIMULATOR_SCHEMA, 'swarm_simulator: every parameter at its default.') },
  ],
};

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. */
export function replaceBetween(doc: string, marker: string, text: string): string {
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README has no ${start} ... ${end} block`);
  return doc.slice(0, a + start.length) + '\n' + text + '\n' + doc.slice(b);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  let readme = readFileSync('README.md', 'utf8');
  for (const g of GENERATED.readme) readme = replaceBetween(readme, g.marker, g.text);
  writeFileSync('README.md', readme);
  for (const f of GENERATED.files) writeFileSync(f.path, f.text);
  console.log('updated README.md and', GENERATED.files.map((f) => f.path).join(', '));
}
