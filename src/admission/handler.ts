// One AdmissionReview in, one out: parsing, the deadline the API server gave, and the response.
// What to decide is the caller's business (a Decider); this file only speaks the protocol.
import {
  buildAdmissionResponse,
  parseAdmissionReview,
  parseTimeoutParameter,
  type AdmissionRequest,
  type AdmissionReviewResponse,
  type AdmissionVerdict,
  type ParsedReview,
} from './review.js';

export type Webhook = 'mutate' | 'validate';

/** The API server's default webhook timeout, used when a request names none. */
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface DecideOptions {
  /** Epoch milliseconds by which a verdict must exist for the answer to arrive in time. */
  deadlineAtMs: number;
}

export type Decider = (
  request: AdmissionRequest,
  webhook: Webhook,
  options: DecideOptions,
) => AdmissionVerdict | Promise<AdmissionVerdict>;

export interface AnsweredReview {
  review: ParsedReview;
  verdict: AdmissionVerdict;
  response: AdmissionReviewResponse;
}

/**
 * Leaves room for the answer to travel back: the API server counts its timeout from when it sent
 * the request, so promgate aims to finish with a tenth of it (at least 200 ms) to spare.
 */
export function deadlineFor(timeoutParameter: unknown, nowMs: number): number {
  const timeoutMs = parseTimeoutParameter(timeoutParameter) ?? DEFAULT_TIMEOUT_MS;
  const marginMs = Math.max(200, timeoutMs / 10);
  return nowMs + Math.max(timeoutMs - marginMs, timeoutMs / 2);
}

/** Throws MalformedReviewError for bodies that are not an AdmissionReview request. */
export async function answerReview(
  body: unknown,
  webhook: Webhook,
  decider: Decider,
  options: DecideOptions,
): Promise<AnsweredReview> {
  const review = parseAdmissionReview(body);
  const verdict = await decider(review.request, webhook, options);
  return { review, verdict, response: buildAdmissionResponse(review, verdict) };
}
