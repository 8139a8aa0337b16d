/**
 * Regenerates what the parameter schemas feed: the parameter tables of docs/nodes.md and config/blob_coverage.yaml, the
 * parameter file of both nodes (one section each, keyed by node name). Run `npm run gen:params` after changing a
 * schema; a test fails while they are out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { CONTROLLER_SCHEMA } from '../src/params/controller.js';
import { markdownTable, parameterFile } from '../src/params/docs.js';
import type { NodeSection } from '../src/params/docs.js';
import { SIMULATOR_SCHEMA } from '../src/sim/params.js';

/** The nodes of the ROS package, by their default node names, with their parameter schemas. */
export const NODES: readonly NodeSection[] = [
  { node: 'blob_coverage_controller', schema: CONTROLLER_SCHEMA },
  { node: 'swarm_simulator', schema: SIMULATOR_SCHEMA },
];

/** The generated pieces, by file and marker. */
export const GENERATED = {
  /** Blocks of documents, between `<!-- marker:start -->` and `<!-- marker:end -->`. */
  blocks: [
    { path: 'docs/nodes.md', marker: 'controller-parameters', text: markdownTable(CONTROLLER_SCHEMA) },
    { path: 'docs/nodes.md', marker: 'simulator-parameters', text: markdownTable(SIMULATOR_SCHEMA) },
  ],
  files: [
    {
      path: 'config/blob_coverage.yaml',
      text: parameterFile(NODES, [
        'The coverage controller and the swarm simulator at their defaults: one section per node, keyed by the node',
        'name (rclnodejs reads `/**` and the bare node name, also under a namespace). Copy it and keep the keys; a',
        '`/**` section would give `rate`, `drive` and `pose_topic` to both nodes, and node-keyed values win over it.',
      ]),
    },
  ],
};

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. */
export function replaceBetween(doc: string, marker: string, text: string): string {
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`the document has no ${start} ... ${end} block`);
  return doc.slice(0, a + start.length) + '\n' + text + '\n' + doc.slice(b);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const paths = [...new Set(GENERATED.blocks.map((g) => g.path))];
  for (const path of paths) {
    let doc = readFileSync(path, 'utf8');
    for (const g of GENERATED.blocks.filter((b) => b.path === path)) doc = replaceBetween(doc, g.marker, g.text);
    writeFileSync(path, doc);
  }
  for (const f of GENERATED.files) writeFileSync(f.path, f.text);
  console.log('updated', [...paths, ...GENERATED.files.map((f) => f.path)].join(', '));
}
