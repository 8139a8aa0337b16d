/** `blob-coverage help params`: the controller's and the simulator's parameters, from their schemas. */
import { CONTROLLER_SCHEMA } from '../params/controller.js';
import type { ParamSchema, ParamSpec } from '../params/schema.js';
import { SIMULATOR_SCHEMA } from '../sim/params.js';

/** Words of `text` in lines of at most `width` characters, each after `indent`. */
function wrap(text: string, indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

function showValue(p: ParamSpec): string {
  if (Array.isArray(p.default)) return `[${p.default.join(', ')}]`;
  if (p.default === '') return "''";
  return String(p.default);
}

function section(title: string, schema: ParamSchema): string[] {
  const out = [title];
  for (const p of schema) {
    const range = p.min !== undefined || p.max !== undefined ? ` in [${p.min ?? '-inf'}, ${p.max ?? 'inf'}]` : p.choices ? `: ${p.choices.join(' | ')}` : '';
    out.push(`  ${p.name} (${p.type}${p.unit ? `, ${p.unit}` : ''}${range}; default ${showValue(p)}${p.auto !== undefined ? ', or auto' : ''}; ${p.readOnly ? 'start-up only' : 'live'})`);
    out.push(...wrap(p.description, '      '));
  }
  return out;
}

/** The parameter help text. */
export function parametersHelp(): string {
  return [
    'Parameters: -p NAME:=VALUE sets a controller parameter (standalone, demo, or the ROS node after --ros-args);',
    '--sim-param NAME:=VALUE a simulator one. Live ones can change while running (ros2 param set).',
    '',
    ...section('controller (blob_coverage_controller):', CONTROLLER_SCHEMA),
    '',
    ...section('simulator (swarm_simulator):', SIMULATOR_SCHEMA),
  ].join('\n');
}
