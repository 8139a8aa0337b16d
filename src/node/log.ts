import { pino } from 'pino';
import { PinoPretty } from 'pino-pretty';
import type { Logger } from './interface.js';

/** Log levels the nodes use, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** How log lines look: human-readable text, or one JSON object per line (for log collectors). */
export type LogFormat = 'text' | 'json';

/** The log format asked for in the environment (BLOB_COVERAGE_LOG_FORMAT=json), text otherwise. */
export function logFormatFromEnv(env: NodeJS.ProcessEnv = process.env): LogFormat {
  return env.BLOB_COVERAGE_LOG_FORMAT === 'json' ? 'json' : 'text';
}

/**
 * The logger of a node outside ROS (the standalone mode and the command line; under ROS the adapter logs through the
 * ROS logger only), written to stderr so that stdout stays free for a command's own output: one line per message,
 * human-readable text (coloured on a terminal) unless JSON is asked for.
 */
export function createLogger(name: string, level: LogLevel = 'info', format: LogFormat = logFormatFromEnv()): Logger {
  const destination =
    format === 'json'
      ? pino.destination(2)
      : PinoPretty({ destination: 2, sync: true, colorize: process.stderr.isTTY === true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true });
  const base = pino({ name, level }, destination);
  return {
    debug: (m, f) => base.debug(f ?? {}, m),
    info: (m, f) => base.info(f ?? {}, m),
    warn: (m, f) => base.warn(f ?? {}, m),
    error: (m, f) => base.error(f ?? {}, m),
  };
}
