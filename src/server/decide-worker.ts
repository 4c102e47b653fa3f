// Entry of a DecidePool worker thread: runs the engine's `decide` on objects the main thread sends,
// so that judging a large object never blocks the event loop that answers everyone else.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { asError } from '../common/errors.js';
import type { PromgateConfig } from '../config/schema.js';
import { decide } from '../policies/engine.js';
import { toWireDecision, type TaskMessage, type WorkerMessage } from './worker-protocol.js';

/** nice 19: lowering a priority is always permitted, unlike raising it. */
const LOWEST_PRIORITY = 19;

const port = parentPort;
if (!port) throw new Error('decide-worker.js runs only as a worker thread (see worker-pool.ts)');
// On Linux a thread has its own nice value: judging large objects yields the CPU to the event
// loop, which answers the small requests (elsewhere this call would renice the whole process).
if (process.platform === 'linux') setPriority(LOWEST_PRIORITY);
const config = (workerData as { config: PromgateConfig }).config;

port.on('message', (task: TaskMessage) => {
  let message: WorkerMessage;
  try {
    message = {
      type: 'decided',
      id: task.id,
      decision: toWireDecision(decide(task.object, config, task.context, task.stage)),
    };
  } catch (err) {
    // `decide` already turns a policy's throw into an outcome; this is a bug in the engine itself.
    message = { type: 'failed', id: task.id, message: asError(err).message };
  }
  port.postMessage(message);
});

port.postMessage({ type: 'ready' } satisfies WorkerMessage);
