import { setFlagsFromString } from 'node:v8';

/**
 * Turns off V8's allocation-site pretenuring for this process (call it once, before a standalone session is built).
 * On the in-process bus every message lives from its publication to the flush after the callback, so the scavenges
 * that fall meanwhile find most of a site's objects alive: V8 then allocates that site (each tick's command
 * messages, each odometry message) straight into the old generation, 10-20x slower to allocate there and left to
 * the mark-compact collector. Measured with bench:load at 5,000 robots (docs/shards.md): publishing the commands
 * 5.8 -> 0.4 ms of CPU a tick at p50, the whole tick's mean 58 -> 47 ms, the process's GC time 5.0 -> 3.0 s.
 */
export function disablePretenuring(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
