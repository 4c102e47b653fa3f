// A fixed set of worker threads running the engine's `decide`, for objects too large to judge on
// the event loop (docs/adr/050-worker-pool.md). The queue is bounded and every task carries the
// API server's deadline: when either would be exceeded the task is rejected at once with a
// PoolRejection, and the caller answers with the policy's failure mode instead of piling up work.
// A worker that crashes, runs out of memory or overruns a deadline is replaced.
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { asError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { PromgateConfig } from '../config/schema.js';
import type { Decision, Stage } from '../policies/engine.js';
import type { EvaluationContext, KubernetesObject } from '../policies/policy.js';
import { usableCpus } from './cpu-limit.js';
import { fromWireDecision, type TaskMessage, type WorkerMessage } from './worker-protocol.js';

export type PoolRejectionReason = 'overloaded' | 'deadline' | 'worker-lost' | 'unclonable' | 'closed' | 'withdrawn';

/** The pool did not judge the object; `message` says why in words fit for an admission answer. */
export class PoolRejection extends Error {
  override readonly name = 'PoolRejection';
  constructor(
    readonly reason: PoolRejectionReason,
    message: string,
  ) {
    super(message);
  }
}

/** Workers cannot start at all (e.g. their entry file is missing): the caller must judge inline. */
export class PoolUnavailableError extends Error {
  override readonly name = 'PoolUnavailableError';
}

export interface DecidePoolOptions {
  config: PromgateConfig;
  /** Worker threads; default `defaultPoolSize()`. */
  size?: number;
  /** Tasks allowed to wait for a free worker; default 4 per worker. */
  maxQueued?: number;
  /** Heap bound per worker, so that a hostile document costs one worker, not the process. */
  resourceLimits?: ResourceLimits;
  logger?: Logger;
  /** The worker's entry module; tests substitute a misbehaving one. */
  workerUrl?: URL;
}

/** One worker per usable CPU: workers run at the lowest priority, so the event loop still gets its share. */
export function defaultPoolSize(): number {
  return usableCpus();
}

const DEFAULT_WORKER_URL = new URL('./decide-worker.js', import.meta.url);
/**
 * Per worker, inside the pod's memory limit beside the event loop's heap (docs/adr/042): a 1 MiB
 * config, or an UPDATE carrying two, needs a few tens of MiB; a document crafted to exhaust
 * memory costs its worker, not the pod.
 */
export const WORKER_HEAP_LIMIT_MB = 128;
/**
 * The young generation's bound, a third above V8's default of 48 MiB: the node tree and decoded
 * config of a 1 MiB document are alive while the next are built, and with the default the
 * scavenger copies them again and again (a 1 MiB config judged in a worker: 20–35 % less time
 * with 64, no further gain with 96).
 */
const WORKER_YOUNG_GENERATION_MB = 64;
const DEFAULT_RESOURCE_LIMITS: ResourceLimits = {
  maxOldGenerationSizeMb: WORKER_HEAP_LIMIT_MB,
  maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB,
};
const QUEUED_PER_WORKER = 4;
/** Workers that die before becoming ready this many times in a row mean the pool cannot work. */
const MAX_FAILED_STARTS = 3;

interface Task {
  message: TaskMessage;
  resolve(decision: Decision): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
  settled: boolean;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Terminated on purpose (deadline overrun or close); takes no more tasks. */
  retired: boolean;
  running?: Task;
  lastError?: Error;
}

export class DecidePool {
  readonly size: number;
  private readonly maxQueued: number;
  private readonly slots = new Set<Slot>();
  private readonly queue: Task[] = [];
  private nextId = 1;
  private failedStarts = 0;
  private unavailable?: PoolUnavailableError;
  private closed = false;

  constructor(private readonly options: DecidePoolOptions) {
    this.size = options.size ?? defaultPoolSize();
    this.maxQueued = options.maxQueued ?? QUEUED_PER_WORKER * this.size;
    for (let index = 0; index < this.size; index += 1) this.spawn();
  }

  /** Objects waiting for a worker, and objects being judged: what the dashboard's pool panel shows. */
  load(): { queued: number; running: number } {
    let running = 0;
    for (const slot of this.slots) if (slot.running) running += 1;
    return { queued: this.queue.length, running };
  }

  /**
   * Judges `object` in a worker; rejects with PoolRejection or PoolUnavailableError. Aborting
   * `signal` withdraws the task: it leaves the queue, or its worker's answer is ignored (a worker
   * still busy with it at the deadline is replaced as usual).
   */
  run(
    object: KubernetesObject,
    context: EvaluationContext,
    stage: Stage,
    deadlineAtMs: number,
    signal?: AbortSignal,
  ): Promise<Decision> {
    if (this.unavailable) return Promise.reject(this.unavailable);
    if (this.closed) return Promise.reject(new PoolRejection('closed', 'promgate is shutting down'));
    const idle = this.idleSlot();
    if (!idle && this.queue.length >= this.maxQueued) {
      return Promise.reject(
        new PoolRejection(
          'overloaded',
          `promgate is busy judging ${this.size + this.queue.length} other large objects; retry shortly`,
        ),
      );
    }
    const remainingMs = deadlineAtMs - Date.now();
    if (remainingMs <= 0) return Promise.reject(this.deadlineRejection());
    return new Promise<Decision>((resolve, reject) => {
      const task: Task = { message: { id: this.nextId++, object, context, stage }, resolve, reject, settled: false };
      task.timer = setTimeout(() => this.expire(task), remainingMs);
      signal?.addEventListener('abort', () => this.withdraw(task), { once: true });
      if (idle) this.dispatch(idle, task);
      else this.queue.push(task);
    });
  }

  /** Rejects waiting tasks and stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0))
      this.settle(task, new PoolRejection('closed', 'promgate is shutting down'));
    await Promise.all(
      [...this.slots].map((slot) => {
        slot.retired = true;
        return slot.worker.terminate();
      }),
    );
  }

  private spawn(): void {
    const worker = new Worker(this.options.workerUrl ?? DEFAULT_WORKER_URL, {
      workerData: { config: this.options.config },
      resourceLimits: this.options.resourceLimits ?? DEFAULT_RESOURCE_LIMITS,
    });
    // The server's listeners keep the process alive; idle workers must not.
    worker.unref();
    const slot: Slot = { worker, ready: false, retired: false };
    this.slots.add(slot);
    worker.on('message', (message: WorkerMessage) => this.onMessage(slot, message));
    worker.on('error', (err: Error) => {
      slot.lastError = err;
    });
    worker.on('exit', (exitCode: number) => this.onExit(slot, exitCode));
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    if (message.type === 'ready') {
      slot.ready = true;
      this.failedStarts = 0;
    } else {
      const task = slot.running;
      if (!task || task.message.id !== message.id) return;
      slot.running = undefined;
      if (message.type === 'decided') this.settle(task, fromWireDecision(message.decision));
      else this.settle(task, new Error(message.message));
    }
    this.pump(slot);
  }

  private onExit(slot: Slot, exitCode: number): void {
    this.slots.delete(slot);
    const cause = slot.lastError?.message ?? `exit code ${exitCode}`;
    if (slot.running) {
      this.settle(
        slot.running,
        new PoolRejection('worker-lost', `the worker judging this object stopped unexpectedly (${cause})`),
      );
    }
    if (this.closed) return;
    if (!slot.ready && !slot.retired) {
      this.failedStarts += 1;
      if (this.failedStarts >= MAX_FAILED_STARTS) {
        this.unavailable = new PoolUnavailableError(`decide workers fail to start: ${cause}`);
        this.options.logger?.error({ err: slot.lastError }, this.unavailable.message);
        for (const task of this.queue.splice(0)) this.settle(task, this.unavailable);
        return;
      }
    }
    if (!slot.retired)
      this.options.logger?.warn({ err: slot.lastError, exitCode }, 'decide worker stopped; replacing it');
    this.spawn();
  }

  private expire(task: Task): void {
    const queuedAt = this.queue.indexOf(task);
    if (queuedAt >= 0) this.queue.splice(queuedAt, 1);
    const slot = [...this.slots].find((candidate) => candidate.running === task);
    if (slot) {
      // Synchronous JavaScript cannot be interrupted: the worker goes, a fresh one takes its place.
      slot.running = undefined;
      slot.retired = true;
      this.options.logger?.warn({}, 'decide worker overran a deadline; replacing it');
      void slot.worker.terminate();
    }
    this.settle(task, this.deadlineRejection());
  }

  private withdraw(task: Task): void {
    if (task.settled) return;
    const withdrawn = new PoolRejection('withdrawn', 'the caller stopped waiting for a worker');
    const queuedAt = this.queue.indexOf(task);
    if (queuedAt >= 0) {
      this.queue.splice(queuedAt, 1);
      this.settle(task, withdrawn);
      return;
    }
    // Running: the answer will be ignored, and the deadline timer still replaces a worker that
    // is busy with it past the deadline.
    task.settled = true;
    task.reject(withdrawn);
  }

  private deadlineRejection(): PoolRejection {
    return new PoolRejection('deadline', "judging this object would not finish before the API server's timeout");
  }

  private idleSlot(): Slot | undefined {
    for (const slot of this.slots) if (slot.ready && !slot.retired && !slot.running) return slot;
    return undefined;
  }

  private pump(slot: Slot): void {
    const next = slot.ready && !slot.retired && !slot.running ? this.queue.shift() : undefined;
    if (next) this.dispatch(slot, next);
  }

  private dispatch(slot: Slot, task: Task): void {
    try {
      // Structured clone recurses: an object nested thousands deep throws RangeError here.
      slot.worker.postMessage(task.message);
    } catch (err) {
      const cause = asError(err).message;
      this.settle(task, new PoolRejection('unclonable', `the object cannot be handed to a worker (${cause})`));
      this.pump(slot);
      return;
    }
    slot.running = task;
  }

  private settle(task: Task, outcome: Decision | Error): void {
    clearTimeout(task.timer);
    if (task.settled) return;
    task.settled = true;
    if (outcome instanceof Error) task.reject(outcome);
    else task.resolve(outcome);
  }
}
