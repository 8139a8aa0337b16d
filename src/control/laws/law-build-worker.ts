/**
 * The worker thread of law-builder.ts: builds what each request asks (law-build.ts) and sends back the target's
 * snapshot, its arrays transferred rather than copied, or the reason the build failed.
 */
import { parentPort } from 'node:worker_threads';
import type { LawBuildRequest } from './law-build.js';
import { buildLaw, transferables } from './law-build.js';

/** A request as it crosses the thread boundary. */
export interface BuildMessage {
  readonly id: number;
  readonly request: LawBuildRequest;
}

/** The answer to a BuildMessage. */
export type BuildReply =
  | { readonly id: number; readonly ok: true; readonly target: import('../../engine/target/target.js').TargetSnapshot }
  | { readonly id: number; readonly ok: false; readonly reason: string };

const port = parentPort;
if (!port) throw new Error('law-build-worker runs in a worker thread');
port.on('message', ({ id, request }: BuildMessage) => {
  let reply: BuildReply;
  try {
    const target = buildLaw(request).target.snapshot();
    reply = { id, ok: true, target };
  } catch (e) {
    reply = { id, ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply, reply.ok ? transferables(reply.target) : []);
});
port.postMessage({ ready: true });
