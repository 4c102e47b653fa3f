// The glue between the admission protocol and the policy engine: turns an AdmissionRequest into a
// call to `decide`, and the engine's Decision into a protocol verdict. Counting and logging of
// violations (what `audit` mode promises) happens here, once per request.
// Objects are judged through a Judge (./judge.ts: large ones in the worker pool); when the pool
// refuses one, the policies' failure modes answer.
import type { PromgateConfig } from '../config/schema.js';
import type { Decider, Webhook } from '../admission/handler.js';
import type { AdmissionRequest, AdmissionVerdict } from '../admission/review.js';
import type { Decision } from '../policies/engine.js';
import { namespacedName, type EvaluationContext, type KubernetesObject } from '../policies/policy.js';
import { asError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { EventSink, PolicyEvent } from '../kube/events.js';
import { createJudge, failedDecision, type Judge } from './judge.js';
import type { Metrics } from './metrics.js';

/** How many lines of a denial the message shows before summarising; causes always carry all. */
const MAX_DENIAL_LINES = 25;

export function objectReference(request: AdmissionRequest): string {
  const name = request.name ?? (request.object?.metadata as { name?: string } | undefined)?.name ?? '(unnamed)';
  return `${request.kind.kind} ${namespacedName(request.namespace, name)}`;
}

function denialMessage(request: AdmissionRequest, decision: Decision): string {
  const lines = decision.denials.map((denial) => `${denial.policy}: ${denial.message}`);
  const shown = lines.slice(0, MAX_DENIAL_LINES);
  if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more`);
  return `promgate denied ${objectReference(request)}:\n${shown.join('\n')}`;
}

export function verdictOf(request: AdmissionRequest, decision: Decision): AdmissionVerdict {
  const verdict: AdmissionVerdict = { allowed: decision.allowed, patch: decision.patch, warnings: decision.warnings };
  if (!decision.allowed) {
    verdict.denial = {
      message: denialMessage(request, decision),
      causes: decision.denials.map((denial) => ({
        field: denial.field,
        message: `${denial.policy}: ${denial.message}`,
      })),
    };
  }
  return verdict;
}

/** The object a request is about, as an Event's `regarding`. */
function regardingOf(request: AdmissionRequest): PolicyEvent['regarding'] {
  const { group, version, kind } = request.kind;
  type Metadata = { name?: string; uid?: string } | undefined;
  const metadata = (request.object?.['metadata'] ?? {}) as NonNullable<Metadata>;
  // A CREATE's object has no uid yet; an UPDATE's stored object (oldObject) has.
  const uid = metadata.uid ?? (request.oldObject?.['metadata'] as Metadata)?.uid;
  return {
    apiVersion: group ? `${group}/${version}` : version,
    kind,
    ...(request.namespace ? { namespace: request.namespace } : {}),
    name: request.name ?? metadata.name ?? '',
    ...(typeof uid === 'string' ? { uid } : {}),
  };
}

export function createPolicyDecider(
  config: PromgateConfig,
  metrics: Metrics,
  logger: Logger,
  judge: Judge = createJudge(config, logger),
  events?: EventSink,
): Decider {
  const answer = (request: AdmissionRequest, webhook: Webhook, decision: Decision): AdmissionVerdict => {
    for (const outcome of decision.outcomes) {
      // Built only for the lines that need it: most reviews log nothing here.
      const fields = (): object => ({
        uid: request.uid,
        username: request.userInfo.username,
        webhook,
        policy: outcome.policy,
        mode: outcome.mode,
        object: objectReference(request),
        dryRun: request.dryRun,
      });
      if (outcome.internalError) {
        metrics.policyErrors.inc({ policy: outcome.policy });
        logger.error({ ...fields(), err: outcome.internalError }, 'policy failed with an internal error');
      }
      // Both webhooks see an object; the validating one, which every judged kind goes through,
      // logs and counts what it concluded.
      if (webhook !== 'validate') continue;
      if (decision.optOut !== 'none') {
        metrics.optOuts.inc({ policy: outcome.policy, result: decision.optOut });
        if (decision.optOut === 'honoured') {
          logger.warn({ ...fields(), skipAnnotation: config.skipAnnotation }, 'opted out with the skip annotation');
        }
      }
      const violations = outcome.evaluation.violations;
      if (violations.length > 0 && !outcome.internalError) {
        metrics.policyViolations.inc({ policy: outcome.policy, mode: outcome.skipped ? 'skipped' : outcome.mode });
        logger.warn({ ...fields(), skipped: outcome.skipped, violations }, 'policy violation');
      }
    }
    if (webhook === 'validate' && !decision.allowed) {
      logger.warn(
        {
          uid: request.uid,
          username: request.userInfo.username,
          object: objectReference(request),
          dryRun: request.dryRun,
          denials: decision.denials,
        },
        'denied',
      );
    }
    const verdict = verdictOf(request, decision);
    // A dry run must have no side effects (the webhooks say NoneOnDryRun).
    if (verdict.denial && events && !request.dryRun) {
      events.emit({ regarding: regardingOf(request), action: 'Admission', note: verdict.denial.message });
    }
    return verdict;
  };

  const answerWhenJudged = async (
    request: AdmissionRequest,
    webhook: Webhook,
    object: KubernetesObject,
    context: EvaluationContext,
    judging: Promise<Decision>,
  ): Promise<AdmissionVerdict> => {
    let decision: Decision;
    try {
      decision = await judging;
    } catch (err) {
      decision = failedDecision(object, config, context, webhook, asError(err));
    }
    return answer(request, webhook, decision);
  };

  return (request, webhook, { deadlineAtMs }) => {
    // DELETE and CONNECT carry no object to judge; promgate has nothing to say about them.
    if (request.object === null || request.operation === 'DELETE' || request.operation === 'CONNECT') {
      return { allowed: true, patch: [], warnings: [] };
    }
    const object = request.object as KubernetesObject;
    const context: EvaluationContext = {
      operation: request.operation,
      user: request.userInfo,
      ...(request.oldObject ? { oldObject: request.oldObject as KubernetesObject } : {}),
    };
    const judged = judge(object, context, webhook, deadlineAtMs);
    return judged instanceof Promise
      ? answerWhenJudged(request, webhook, object, context, judged)
      : answer(request, webhook, judged);
  };
}
