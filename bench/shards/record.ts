/**
 * Records what each controller instance of an in-process swarm receives, to replay it in a process of its own
 * (replay.ts): every message delivered to its subscriptions (virtual time, topic, the publisher's QoS, the message),
 * its ticks' times, its parameters, and the commands it publishes (to check that the replay computes the same ones).
 * Messages go into a MessageStore (typed arrays, off the heap being measured); a TFMessage delivered to several
 * instances is stored once (the bus delivers a message to each receiver in turn; no table of every message seen,
 * which would burden the measured heap's collector). An instance's own messages coming back to it (its swarm poses) are not recorded: the
 * replayed instance publishes them itself.
 */
import { writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import type { CoverageControllerNode } from '../../src/control/controller-node.js';
import type { VirtualClock } from '../../src/node/clock.js';
import type { InProcessBus } from '../../src/node/inprocess.js';
import type { NodeHandle, QosKind } from '../../src/node/interface.js';
import { MSG, type MessageType } from '../../src/node/messages.js';
import type { ParamValues } from '../../src/params/schema.js';
import { MessageStore, type StoreData } from './store.js';

/** QoS profiles by their code in a recording. */
export const QOS_KINDS: readonly QosKind[] = ['sensor', 'command', 'latched', 'default'];

/** Marks a tick in an instance's event list (instead of a message index). */
export const TICK = -1;

/** Everything one instance needs to be replayed alone (one file, written with v8.serialize). */
export interface InstanceInputs {
  /** The node's full name (namespace and name). */
  readonly name: string;
  /** Its parameters as they were in force (every one, overrides and defaults). */
  readonly parameters: ParamValues;
  /** The controller's fallback scenario (constructor argument). */
  readonly fallback: string;
  /** Topics by index: name and message type. */
  readonly topics: readonly { readonly name: string; readonly type: MessageType }[];
  /** The messages it received, then the commands it published. */
  readonly store: StoreData;
  /** In order: virtual time, message index in `store` (or TICK), topic index, QoS code (QOS_KINDS) of the publisher. */
  readonly times: Float64Array;
  readonly messages: Int32Array;
  readonly topicOf: Uint32Array;
  readonly qos: Uint8Array;
  /** The commands (Twist, TwistStamped) it published, in order: message index in `store`, topic index. */
  readonly commands: Uint32Array;
  readonly commandTopics: Uint32Array;
}

/** A growable list of numbers in a typed array. */
class Column<T extends Float64Array | Int32Array | Uint32Array | Uint8Array> {
  n = 0;
  constructor(public a: T) {}
  push(x: number): void {
    if (this.n === this.a.length) {
      const b = new (this.a.constructor as new (n: number) => T)(2 * this.a.length);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = x;
  }
  get values(): T {
    return this.a.subarray(0, this.n) as T;
  }
}

interface InstanceLog {
  readonly name: string;
  readonly parameters: ParamValues;
  readonly times: Column<Float64Array>;
  readonly messages: Column<Int32Array>;
  readonly topics: Column<Uint32Array>;
  readonly qos: Column<Uint8Array>;
  readonly commands: Column<Uint32Array>;
  readonly commandTopics: Column<Uint32Array>;
  /** Commands published since the last drain (stored after the tick, so that storing them is not timed in it). */
  readonly pending: { topic: number; message: unknown }[];
}

/** The full name of a controller instance's node (a private field: the recorder is a benchmark tool). */
function nodeName(c: CoverageControllerNode): string {
  return (c as unknown as { node: NodeHandle }).node.name;
}

/** Records every instance's inputs on `bus`. Attach it after any other wrapper of the instances' `tick` (its own work then falls outside theirs). */
export class SwarmRecorder {
  private readonly store = new MessageStore();
  /** The last message stored and its index: a message going to several instances is delivered to each in turn. */
  private lastMessage: unknown = undefined;
  private lastId = -1;
  private readonly topics: { name: string; type: MessageType }[] = [];
  private readonly topicIndex = new Map<string, number>();
  private readonly logs: InstanceLog[] = [];
  private readonly byName = new Map<string, InstanceLog>();
  private attached = true;

  constructor(
    private readonly bus: InProcessBus,
    clock: VirtualClock,
    controllers: readonly CoverageControllerNode[],
    private readonly fallback: string,
  ) {
    if (bus.tap) throw new Error('the bus already has a tap');
    for (const c of controllers) {
      const log: InstanceLog = {
        name: nodeName(c),
        parameters: c.parameters,
        times: new Column(new Float64Array(1024)),
        messages: new Column(new Int32Array(1024)),
        topics: new Column(new Uint32Array(1024)),
        qos: new Column(new Uint8Array(1024)),
        commands: new Column(new Uint32Array(1024)),
        commandTopics: new Column(new Uint32Array(1024)),
        pending: [],
      };
      if (this.byName.has(log.name)) throw new Error(`two instances named ${log.name}`);
      this.logs.push(log);
      this.byName.set(log.name, log);
      const tick = c.tick.bind(c);
      c.tick = () => {
        this.event(log, clock.now(), TICK, 0, 0);
        const r = tick();
        this.drain(log);
        return r;
      };
    }
    bus.tap = {
      delivered: (to, from, topic, type, qos, message) => {
        const log = this.byName.get(to);
        if (!log || from === to) return;
        this.event(log, clock.now(), this.id(message), this.topic(topic, type), QOS_KINDS.indexOf(qos));
      },
      published: (from, topic, type, _qos, message) => {
        const log = this.byName.get(from);
        if (log && (type === MSG.Twist || type === MSG.TwistStamped)) log.pending.push({ topic: this.topic(topic, type), message });
      },
    };
  }

  /** Messages stored and the bytes they take. */
  get size(): { messages: number; bytes: number } {
    return { messages: this.store.size, bytes: this.store.bytes };
  }

  /** Instances recorded. */
  get instances(): number {
    return this.logs.length;
  }

  /** Stops recording (call before stopping the instances: their last zero commands are not part of the run). */
  finish(): void {
    if (!this.attached) return;
    for (const log of this.logs) this.drain(log);
    this.bus.tap = undefined;
    this.attached = false;
  }

  /** Instance k's inputs (only the messages it received and the commands it published). */
  inputs(k: number): InstanceInputs {
    const log = this.logs[k];
    const messages = log.messages.values;
    // Renumber the messages it references, in order of first use, then its commands.
    const local = new Map<number, number>();
    const ids: number[] = [];
    const renumbered = new Int32Array(messages.length);
    for (let e = 0; e < messages.length; e++) {
      const g = messages[e];
      if (g === TICK) {
        renumbered[e] = TICK;
        continue;
      }
      let l = local.get(g);
      if (l === undefined) {
        l = ids.length;
        ids.push(g);
        local.set(g, l);
      }
      renumbered[e] = l;
    }
    const commands = Uint32Array.from(log.commands.values, (g) => {
      ids.push(g);
      return ids.length - 1;
    });
    return {
      name: log.name,
      parameters: log.parameters,
      fallback: this.fallback,
      topics: this.topics,
      store: this.store.subset(ids),
      times: log.times.values.slice(),
      messages: renumbered,
      topicOf: log.topics.values.slice(),
      qos: log.qos.values.slice(),
      commands,
      commandTopics: log.commandTopics.values.slice(),
    };
  }

  /** Writes instance k's inputs to `path` (v8.serialize). */
  write(k: number, path: string): void {
    writeFileSync(path, v8.serialize(this.inputs(k)));
  }

  private event(log: InstanceLog, t: number, message: number, topic: number, qos: number): void {
    log.times.push(t);
    log.messages.push(message);
    log.topics.push(topic);
    log.qos.push(qos);
  }

  private drain(log: InstanceLog): void {
    for (const p of log.pending) {
      log.commands.push(this.store.add(p.message));
      log.commandTopics.push(p.topic);
    }
    log.pending.length = 0;
  }

  private id(message: unknown): number {
    if (this.lastId >= 0 && this.lastMessage === message && typeof message === 'object' && message !== null) return this.lastId;
    this.lastMessage = message;
    this.lastId = this.store.add(message);
    return this.lastId;
  }

  private topic(name: string, type: MessageType): number {
    let k = this.topicIndex.get(name);
    if (k === undefined) {
      k = this.topics.length;
      this.topics.push({ name, type });
      this.topicIndex.set(name, k);
    }
    return k;
  }
}
