/**
 * The `blob-coverage` command line. Each command's module is imported when that command runs, so that `--help`
 * and the launch-time generators (`gz-bridge`, `spawn-poses`) do not load the engine.
 */
import { readFileSync } from 'node:fs';
import { quote } from '../io/quote.js';
import { commandHelp, didYouMean, parseCommand } from './args.js';
import { COMMAND_NAMES, COMMAND_SPECS } from './command-table.js';
import { UsageError, isInputError } from './errors.js';

/** The commands, each loaded on first use: name -> the function that runs it. */
const COMMANDS: Readonly<Record<string, () => Promise<(args: string[]) => Promise<number> | number>>> = {
  velocity: async () => (await import('./commands/coverage-commands.js')).velocityCommand,
  run: async () => (await import('./commands/coverage-commands.js')).runCommand,
  standalone: async () => (await import('./commands/standalone-commands.js')).standaloneCommand,
  demo: async () => (await import('./commands/standalone-commands.js')).demoCommand,
  'gz-bridge': async () => (await import('./commands/gz-bridge.js')).gzBridgeCommand,
  'spawn-poses': async () => (await import('./commands/spawn-poses.js')).spawnPosesCommand,
  sample: async () => (await import('./commands/sample.js')).sampleCommand,
};

/** The package's version (package.json, two folders up from src/cli and dist/cli). */
export function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** The general help: every command with its summary. */
export function generalHelp(): string {
  const width = Math.max(...COMMAND_SPECS.map((c) => c.name.length)) + 2;
  return [
    `blob-coverage ${version()}: swarm coverage control by the blob method (ROS 2 nodes, standalone mode, offline tools)`,
    '',
    'usage: blob-coverage <command> [options]',
    '',
    'commands:',
    ...COMMAND_SPECS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    `  ${'help'.padEnd(width)}this text; help COMMAND: a command's options; help params: the parameters`,
    '',
    'options: -h, --help (also after a command), -v, --version',
    'Every failure is one line on stderr: exit status 2 for bad input, 1 for a bug (BLOB_COVERAGE_DEBUG=1 shows where).',
    'The ROS 2 nodes are the blob-coverage-controller and blob-coverage-simulator commands (--ros-args -p name:=value).',
  ].join('\n');
}

const commandList = (): string => COMMAND_NAMES.join(', ');

/** `help [TOPIC]`: the general help, a command's, or the parameters. */
async function help(topic: string | undefined): Promise<string> {
  if (topic === undefined) return generalHelp();
  if (topic === 'params' || topic === 'parameters') return (await import('./params-help.js')).parametersHelp();
  const spec = COMMAND_SPECS.find((c) => c.name === topic);
  if (!spec) throw new UsageError(`help: no command ${quote(topic)}${didYouMean(topic, [...COMMAND_NAMES, 'params'])}; commands: ${commandList()}, and help params`);
  return commandHelp(spec);
}

/**
 * Runs the command line; returns the exit status: 0 ok, 2 usage or invalid input (one line on stderr), 1 an
 * internal error (a bug: one line too; BLOB_COVERAGE_DEBUG=1 adds the stack).
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'help' || command === '--help' || command === '-h') {
      process.stdout.write((await help(command === 'help' ? rest[0] : undefined)) + '\n');
      return 0;
    }
    if (command === '--version' || command === '-v' || command === 'version') {
      process.stdout.write(`blob-coverage ${version()}\n`);
      return 0;
    }
    if (command === undefined) throw new UsageError(`missing command: blob-coverage <command> [options], one of ${commandList()} (blob-coverage --help says what each does)`);
    const spec = COMMAND_SPECS.find((c) => c.name === command);
    const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!spec || !load) {
      throw new UsageError(`unknown command ${quote(command)}${didYouMean(command, [...COMMAND_NAMES, '--help', '--version'])}; commands: ${commandList()}`);
    }
    // The flags are checked (and --help answered) before the command's modules load.
    if (parseCommand(spec, rest).help) {
      process.stdout.write(commandHelp(spec) + '\n');
      return 0;
    }
    return await (await load())(rest);
  } catch (e) {
    if (isInputError(e)) {
      process.stderr.write(`blob-coverage: ${oneLine(e.message)}\n`);
      return 2;
    }
    const debug = process.env.BLOB_COVERAGE_DEBUG === '1';
    const text = e instanceof Error ? (debug ? (e.stack ?? e.message) : oneLine(e.message)) : oneLine(String(e));
    process.stderr.write(`blob-coverage: internal error: ${text}${debug ? '' : ' (BLOB_COVERAGE_DEBUG=1 shows where)'}\n`);
    return 1;
  }
}

/** A message on one line, at most a few hundred characters. */
function oneLine(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  return flat.length > 500 ? flat.slice(0, 500) + '...' : flat;
}
