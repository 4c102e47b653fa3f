// The messages between a DecidePool and its workers. A Decision crosses the thread boundary by
// structured clone; its Error objects travel as plain fields and are rebuilt on the other side.
import type { Decision, PolicyOutcome, Stage } from '../policies/engine.js';
import type { EvaluationContext, KubernetesObject } from '../policies/policy.js';

export interface TaskMessage {
  id: number;
  object: KubernetesObject;
  context: EvaluationContext;
  stage: Stage;
}

interface WireError {
  name: string;
  message: string;
  stack?: string;
}

type WireOutcome = Omit<PolicyOutcome, 'internalError'> & { internalError?: WireError };

export type WireDecision = Omit<Decision, 'outcomes'> & { outcomes: WireOutcome[] };

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'decided'; id: number; decision: WireDecision }
  | { type: 'failed'; id: number; message: string };

export function toWireDecision(decision: Decision): WireDecision {
  return {
    ...decision,
    outcomes: decision.outcomes.map(({ internalError, ...outcome }) =>
      internalError
        ? {
            ...outcome,
            internalError: {
              name: internalError.name,
              message: internalError.message,
              ...(internalError.stack ? { stack: internalError.stack } : {}),
            },
          }
        : outcome,
    ),
  };
}

export function fromWireDecision(wire: WireDecision): Decision {
  return {
    ...wire,
    outcomes: wire.outcomes.map(({ internalError, ...outcome }) => {
      if (!internalError) return outcome;
      const error = new Error(internalError.message);
      error.name = internalError.name;
      if (internalError.stack) error.stack = internalError.stack;
      return { ...outcome, internalError: error };
    }),
  };
}
