import { pino } from 'pino';
import type { Logger } from './interface.js';

/** Log levels the nodes use, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * A structured logger (pino: one JSON object per line) for a node, written to stderr so that stdout stays free for
 * a command's own output. Under ROS the adapter also forwards to the node's ROS logger.
 */
export function createLogger(name: string, level: LogLevel = 'info'): Logger {
  const base = pino({ name, level }, pino.destination(2));
  return {
    debug: (m, f) => base.debug(f ?? {}, m),
    info: (m, f) => base.info(f ?? {}, m),
    warn: (m, f) => base.warn(f ?? {}, m),
    error: (m, f) => base.error(f ?? {}, m),
  };
}
