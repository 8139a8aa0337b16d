import type { ParamSchema, ParamSpec } from './schema.js';
import { fullDescription } from './schema.js';

function showDefault(p: ParamSpec): string {
  if (Array.isArray(p.default)) return `[${p.default.join(', ')}]`;
  if (typeof p.default === 'string') return p.default === '' ? "''" : p.default;
  if (p.type === 'double' && Number.isInteger(p.default)) return (p.default as number).toFixed(1);
  return String(p.default);
}

/** The README's parameter table for a schema (generated, so that it cannot drift from the code). */
export function markdownTable(schema: ParamSchema): string {
  const rows = schema.map((p) => `| \`${p.name}\` | ${p.type} | \`${showDefault(p)}\` | ${fullDescription(p).replace(/\|/g, '\\|')} |`);
  return ['| parameter | type | default | description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** One node's section of a parameter file: its bare node name and its parameter schema. */
export interface NodeSection {
  readonly node: string;
  readonly schema: ParamSchema;
}

/**
 * A ROS 2 parameter file with one section per node, keyed by the bare node name (rclnodejs honours it, also for a
 * namespaced node), every parameter at its default with a comment each. Per-node keys let one file configure nodes
 * whose parameters share names (`rate`, `drive`, `pose_topic`).
 */
export function parameterFile(sections: readonly NodeSection[], header: readonly string[]): string {
  const lines = [...header.map((h) => `# ${h}`), '# Generated from the parameter schemas (npm run gen:params): every parameter, its default, its range.'];
  for (const { node, schema } of sections) {
    lines.push('', `${node}:`, '  ros__parameters:');
    for (const p of schema) {
      lines.push(`    # ${fullDescription(p)}`);
      if (Array.isArray(p.default) && p.default.length === 0) {
        // ROS parameter files cannot hold an empty list (its type is unknown): leave it out, as a comment.
        lines.push(`    # ${p.name}: []`);
        continue;
      }
      const v = Array.isArray(p.default) ? `[${(p.default as unknown[]).map((x) => (typeof x === 'string' ? `"${x}"` : String(x))).join(', ')}]` : typeof p.default === 'string' ? `"${p.default}"` : showDefault(p);
      lines.push(`    ${p.name}: ${v}`);
    }
  }
  return lines.join('\n') + '\n';
}
