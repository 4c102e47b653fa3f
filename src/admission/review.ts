// The AdmissionReview wire format (admission.k8s.io/v1 and v1beta1), as pure functions: reading a
// review the API server sent, and building the review promgate answers with. Nothing here knows
// which policies exist; a verdict comes in, a review goes out.
import type { Operation } from 'fast-json-patch';
import { ADMISSION_OPERATIONS, type AdmissionOperation } from '../common/admission-operation.js';
import { parseGoDurationMs } from '../common/go-duration.js';
import { shortenWarning } from '../common/warnings.js';

export const SUPPORTED_API_VERSIONS = ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'] as const;
export type AdmissionApiVersion = (typeof SUPPORTED_API_VERSIONS)[number];

/** Beyond this many warnings kubectl output stops being read; the rest are summarised. */
export const MAX_WARNINGS = 20;

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** `request.userInfo`: who the API server authenticated (extra and uid are not read). */
export interface UserInfo {
  /** '' when the API server sent none. */
  username: string;
  groups: string[];
}

/** The parts of a request promgate reads; the rest (resource, options...) is not parsed. */
export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  name?: string;
  namespace?: string;
  operation: AdmissionOperation;
  userInfo: UserInfo;
  object: Record<string, unknown> | null;
  oldObject: Record<string, unknown> | null;
  dryRun: boolean;
}

export interface ParsedReview {
  apiVersion: AdmissionApiVersion;
  request: AdmissionRequest;
}

export interface StatusCause {
  field: string;
  message: string;
}

/** What the policies concluded, in protocol terms. */
export interface AdmissionVerdict {
  allowed: boolean;
  patch: Operation[];
  warnings: string[];
  denial?: { message: string; causes: StatusCause[] };
}

export class MalformedReviewError extends Error {
  override readonly name = 'MalformedReviewError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectField(request: Record<string, unknown>, key: string): Record<string, unknown> | null {
  const value = request[key];
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) throw new MalformedReviewError(`request.${key} must be an object or null`);
  return value;
}

function parseKind(value: unknown): GroupVersionKind {
  if (!isRecord(value) || typeof value.kind !== 'string' || typeof value.version !== 'string') {
    throw new MalformedReviewError('request.kind must be an object with group, version and kind');
  }
  return { group: typeof value.group === 'string' ? value.group : '', version: value.version, kind: value.kind };
}

function parseUserInfo(value: unknown): UserInfo {
  if (value === undefined || value === null) return { username: '', groups: [] };
  if (!isRecord(value)) throw new MalformedReviewError('request.userInfo must be an object');
  const { username = '', groups = [] } = value;
  if (typeof username !== 'string') throw new MalformedReviewError('request.userInfo.username must be a string');
  if (!Array.isArray(groups) || groups.some((group) => typeof group !== 'string')) {
    throw new MalformedReviewError('request.userInfo.groups must be a list of strings');
  }
  return { username, groups: groups as string[] };
}

/** Checks that `body` is an AdmissionReview request and returns its parts; throws MalformedReviewError. */
export function parseAdmissionReview(body: unknown): ParsedReview {
  if (!isRecord(body)) throw new MalformedReviewError('body must be a JSON object (an AdmissionReview)');
  if (body.kind !== 'AdmissionReview') {
    throw new MalformedReviewError(`kind must be "AdmissionReview", got ${JSON.stringify(body.kind ?? null)}`);
  }
  const apiVersion = body.apiVersion;
  if (!SUPPORTED_API_VERSIONS.includes(apiVersion as AdmissionApiVersion)) {
    throw new MalformedReviewError(
      `apiVersion must be one of ${SUPPORTED_API_VERSIONS.join(', ')}, got ${JSON.stringify(apiVersion ?? null)}`,
    );
  }
  const request = body.request;
  if (!isRecord(request)) throw new MalformedReviewError('request must be an object');
  if (typeof request.uid !== 'string' || request.uid === '') {
    throw new MalformedReviewError('request.uid must be a non-empty string');
  }
  if (!ADMISSION_OPERATIONS.includes(request.operation as AdmissionOperation)) {
    throw new MalformedReviewError(`request.operation must be one of ${ADMISSION_OPERATIONS.join(', ')}`);
  }
  const optionalString = (key: string): string | undefined =>
    typeof request[key] === 'string' && request[key] !== '' ? (request[key] as string) : undefined;
  const parsed: AdmissionRequest = {
    uid: request.uid,
    kind: parseKind(request.kind),
    operation: request.operation as AdmissionOperation,
    userInfo: parseUserInfo(request.userInfo),
    object: objectField(request, 'object'),
    oldObject: objectField(request, 'oldObject'),
    dryRun: request.dryRun === true,
  };
  const name = optionalString('name');
  const namespace = optionalString('namespace');
  if (name !== undefined) parsed.name = name;
  if (namespace !== undefined) parsed.namespace = namespace;
  return { apiVersion: apiVersion as AdmissionApiVersion, request: parsed };
}

function boundedWarnings(warnings: string[]): string[] {
  const unique = [...new Set(warnings.map(shortenWarning))];
  if (unique.length <= MAX_WARNINGS) return unique;
  const shown = unique.slice(0, MAX_WARNINGS - 1);
  return [...shown, `… and ${unique.length - shown.length} more warnings`];
}

export interface AdmissionReviewResponse {
  apiVersion: AdmissionApiVersion;
  kind: 'AdmissionReview';
  response: {
    uid: string;
    allowed: boolean;
    status?: {
      metadata: Record<string, never>;
      status: 'Failure';
      code: 422;
      reason: 'Invalid';
      message: string;
      details: { causes: Array<{ reason: 'FieldValueInvalid'; field: string; message: string }> };
    };
    patchType?: 'JSONPatch';
    patch?: string;
    warnings?: string[];
  };
}

/** Builds the review promgate answers with, in the apiVersion the request used. */
export function buildAdmissionResponse(review: ParsedReview, verdict: AdmissionVerdict): AdmissionReviewResponse {
  const response: AdmissionReviewResponse['response'] = { uid: review.request.uid, allowed: verdict.allowed };
  if (!verdict.allowed) {
    const denial = verdict.denial ?? { message: 'denied by promgate', causes: [] };
    response.status = {
      metadata: {},
      status: 'Failure',
      code: 422,
      reason: 'Invalid',
      message: denial.message,
      details: {
        causes: denial.causes.map((cause) => ({
          reason: 'FieldValueInvalid',
          field: cause.field,
          message: cause.message,
        })),
      },
    };
  }
  // The API server applies a patch only to allowed requests; a denied one carries none.
  if (verdict.allowed && verdict.patch.length > 0) {
    response.patchType = 'JSONPatch';
    response.patch = Buffer.from(JSON.stringify(verdict.patch)).toString('base64');
  }
  if (verdict.warnings.length > 0) response.warnings = boundedWarnings(verdict.warnings);
  return { apiVersion: review.apiVersion, kind: 'AdmissionReview', response };
}

/** The API server sends `?timeout=10s` (a Go duration); returns milliseconds, or undefined. */
export function parseTimeoutParameter(value: unknown): number | undefined {
  return typeof value === 'string' ? parseGoDurationMs(value.trim()) : undefined;
}
