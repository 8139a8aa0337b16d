import { ConfigError } from '../scenario/validate.js';

/** A command-line usage error: printed as one line, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The errors that mean "the input is wrong" (exit status 2): told apart by name, so that telling them apart does not
 * load the modules that throw them (the command line loads a command's modules only when it runs).
 */
const INPUT_ERRORS = new Set(['UsageError', 'ConfigError', 'MapFileError', 'FileReadError', 'PositionsFileError', 'GridSizeError', 'ParameterRefusedError']);

/** True for an error caused by the input (a usage error, an invalid file or parameter), as opposed to a bug. */
export function isInputError(e: unknown): e is Error {
  if (!(e instanceof Error)) return false;
  if (INPUT_ERRORS.has(e.name)) return true;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/** Runs `fn`, naming `file` in any ConfigError it throws. */
export function inFile<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ConfigError && !e.file) throw new ConfigError(e.key, e.problem, file);
    throw e;
  }
}
