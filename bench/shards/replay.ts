/**
 * Replays one recorded controller instance (record.ts) alone: a new in-process bus and virtual clock, the same
 * CoverageControllerNode on the same parameters, and a replay node publishing every recorded message on its topic,
 * with its publisher's QoS, at its recorded virtual time; the instance's timer fires at its recorded tick times, in the
 * recorded order with the messages (so a message that came after a tick at the same time comes after it again). Each
 * tick's CPU time is process.cpuUsage around the timer callback, as in the in-process run. Every command the instance
 * publishes is compared with the recorded one, bit for bit.
 *
 * `replayIsolated` runs the replay in a child process of its own (node with the V8 flags given and tsx), so that the
 * process's heap, and its collector's work, is this one instance's.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { CoverageControllerNode } from '../../src/control/controller-node.js';
import { VirtualClock } from '../../src/node/clock.js';
import { InProcessBus } from '../../src/node/inprocess.js';
import type { Logger, NodeHandle, Publisher } from '../../src/node/interface.js';
import { MSG, type MessageType } from '../../src/node/messages.js';
import { QOS_KINDS, TICK, type InstanceInputs } from './record.js';
import { MessageStore } from './store.js';

/** What a replay measured. */
export interface ReplayResult {
  readonly name: string;
  /** Each tick's CPU time, ms, in order. */
  readonly tickCpu: number[];
  /** CPU time of the message callbacks between consecutive ticks (before tick k), ms. */
  readonly intakeCpu: number[];
  /** Commands published and recorded. */
  readonly commands: number;
  readonly recorded: number;
  /** The first difference from the recorded commands, if any (which command, topic and tick time; no values). */
  readonly mismatch?: string;
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Reads an instance's inputs written by SwarmRecorder.write. */
export function readInputs(path: string): InstanceInputs {
  return v8.deserialize(readFileSync(path)) as InstanceInputs;
}

/** Replays `inputs` in this process and measures every tick. */
export function replayInputs(inputs: InstanceInputs): ReplayResult {
  const clock = new VirtualClock();
  const bus = new InProcessBus(clock);
  const slash = inputs.name.lastIndexOf('/');
  const handle = bus.createNode(inputs.name.slice(slash + 1), { namespace: inputs.name.slice(0, slash) || '/', parameters: inputs.parameters, logger: quiet });
  if (handle.name !== inputs.name) throw new Error(`replayed node is ${handle.name}, recorded ${inputs.name}`);
  // The instance's timer fires when the recording says (fire), not on the clock.
  let fire: (() => void) | undefined;
  const node: NodeHandle = {
    ...handle,
    createTimer(_period, callback) {
      fire = callback;
      return {
        cancel() {
          if (fire === callback) fire = undefined;
        },
      };
    },
  };
  const store = MessageStore.from(inputs.store);
  const published: { topic: string; message: unknown }[] = [];
  bus.tap = {
    published(from, topic, type, _qos, message) {
      if (from === handle.name && (type === MSG.Twist || type === MSG.TwistStamped)) published.push({ topic, message });
    },
  };
  const controller = new CoverageControllerNode(node, inputs.fallback);
  const replay = bus.createNode('shards_replay', { logger: quiet });
  const publishers = new Map<number, Publisher<unknown>>();
  const publisher = (topic: number, qos: number): Publisher<unknown> => {
    const key = topic * QOS_KINDS.length + qos;
    let p = publishers.get(key);
    if (!p) {
      const t = inputs.topics[topic];
      p = replay.createPublisher(t.type as MessageType, t.name, QOS_KINDS[qos]) as Publisher<unknown>;
      publishers.set(key, p);
    }
    return p;
  };
  const tickCpu: number[] = [];
  const intakeCpu: number[] = [];
  let intake = 0;
  let compared = 0;
  let mismatch: string | undefined;
  const check = (now: number): void => {
    for (const p of published) {
      const k = compared++;
      if (mismatch) continue;
      if (k >= inputs.commands.length) mismatch = `command ${k} (${p.topic}, t = ${now}): more commands than recorded`;
      else if (inputs.topics[inputs.commandTopics[k]].name !== p.topic) mismatch = `command ${k} (t = ${now}): on ${p.topic}, recorded on ${inputs.topics[inputs.commandTopics[k]].name}`;
      else if (!store.equals(inputs.commands[k], p.message)) mismatch = `command ${k} (${p.topic}, t = ${now}): differs from the recorded one`;
    }
    published.length = 0;
  };
  check(clock.now()); // anything published while starting
  const { times, messages, topicOf, qos } = inputs;
  for (let e = 0; e < times.length; ) {
    clock.advanceTo(times[e]);
    if (messages[e] === TICK) {
      if (!fire) throw new Error(`${inputs.name} has no timer at t = ${times[e]}, where the recording ticks`);
      const c0 = process.cpuUsage();
      fire();
      const c = process.cpuUsage(c0);
      tickCpu.push((c.user + c.system) / 1000);
      intakeCpu.push(intake);
      intake = 0;
      check(clock.now());
      bus.flush();
      e++;
      continue;
    }
    // Every message of this time up to the next tick: published in their order, then delivered (timed).
    const t = times[e];
    for (; e < times.length && times[e] === t && messages[e] !== TICK; e++) publisher(topicOf[e], qos[e]).publish(store.get(messages[e]));
    const c0 = process.cpuUsage();
    bus.flush();
    const c = process.cpuUsage(c0);
    intake += (c.user + c.system) / 1000;
  }
  check(clock.now());
  if (!mismatch && compared !== inputs.commands.length) mismatch = `${compared} commands published, ${inputs.commands.length} recorded`;
  controller.close();
  return { name: inputs.name, tickCpu, intakeCpu, commands: compared, recorded: inputs.commands.length, ...(mismatch ? { mismatch } : {}) };
}

/** The V8 flags of this process a replay child should share (the collector's and compilers' threads). */
export function v8Flags(execArgv: readonly string[] = process.execArgv): string[] {
  return execArgv.filter((a) => /^--(single-threaded|max-old-space-size|max-semi-space-size|expose-gc)/.test(a));
}

/** Replays the inputs in `path` in a child process (node `flags` --import tsx replay-child.ts) and returns what it measured. */
export function replayIsolated(path: string, flags: readonly string[] = v8Flags()): Promise<ReplayResult> {
  const child = fileURLToPath(new URL('./replay-child.ts', import.meta.url));
  const tsx = import.meta.resolve('tsx');
  return new Promise((resolve, reject) => {
    let result: ReplayResult | undefined;
    const p = fork(child, [path], { execArgv: [...flags, '--import', tsx], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    p.on('message', (m) => {
      result = m as ReplayResult;
    });
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      if (result && code === 0) resolve(result);
      else reject(new Error(`the replay of ${path} exited with ${signal ?? `code ${code}`} before reporting`));
    });
  });
}
