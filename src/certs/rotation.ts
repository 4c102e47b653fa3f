// The CA rotation of the certificate bootstrap as a pure state machine: given what the Secret holds,
// what the webhook configurations publish and the time, the one next step (or none). Each step is
// written to the Secret by a conditional update, so racing replicas take every step exactly once.
//
//   steady      signing A                       caBundle [A]
//   staged      signing A, next B               caBundle [B, A]   (B signs nothing yet)
//   published   …, every caBundle seen with B   caBundle [B, A]   waits one overlap
//   switched    signing B, previous A           caBundle [B, A]   waits one overlap
//   steady      signing B                       caBundle [B]
//
// Why and how long: docs/adr/070-ca-rotation-overlap.md.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { CertificateAuthority, CertificateSet } from './generate.js';
import { renewalReason } from './inspect.js';
import { bundleContains, unexpiredCertificates } from './trust-bundle.js';

export interface StoredCertificates {
  /** The CA that signs the serving certificate, and that certificate: what replicas serve. */
  active?: CertificateSet;
  /** Why `active` is absent (the Secret lacks a key, or does not exist). */
  activeMissingReason?: string;
  /** A CA published in the caBundle before it signs anything. */
  next?: CertificateAuthority;
  /** When every webhook entry was first seen carrying `next`; the switch waits one overlap from here. */
  nextPublishedAt?: Date;
  /** CAs that signed serving certificates some replica may still serve. */
  previous: string[];
  /** When `active` took over; `previous` is dropped one overlap later. */
  switchedAt?: Date;
}

/** What the Secret holds once a step is taken: a complete active set. */
export type CertificateState = StoredCertificates & { active: CertificateSet };

export type RotationStep =
  | 'renewed-serving'
  | 'staged-ca'
  | 'published-ca'
  | 'switched-ca'
  | 'retired-ca'
  | 'replaced-ca';

export interface PlannedStep {
  step: RotationStep;
  reason: string;
  state: CertificateState;
}

export interface RotationContext {
  now: Date;
  /** How long both CAs stay trusted before each of the two switches. */
  overlapMs: number;
  dnsNames: readonly string[];
  /** The CAs in each webhook entry's caBundle now, one list per entry of the existing configurations. */
  publishedBundles: readonly string[][];
  newCertificateAuthority: () => CertificateAuthority;
  issueServingCertificate: (ca: CertificateAuthority) => { tlsCert: string; tlsKey: string };
}

/** The CAs a caBundle must carry for this state, newest role first. */
export function trustedCertificateAuthorities(state: CertificateState): string[] {
  return [...(state.next ? [state.next.caCert] : []), state.active.caCert, ...state.previous];
}

/**
 * A serving pair that may stay in service while a new CA is published: readable, matching its
 * key, signed by the CA it is filed with, neither it nor that CA expired. The CA's own key is not
 * needed: nothing is signed with it any more.
 */
function servingUsable(set: CertificateSet, now: Date): boolean {
  try {
    const ca = new X509Certificate(set.caCert);
    const serving = new X509Certificate(set.tlsCert);
    return (
      serving.verify(ca.publicKey) &&
      serving.checkPrivateKey(createPrivateKey(set.tlsKey)) &&
      now < new Date(serving.validTo) &&
      now < new Date(ca.validTo)
    );
  } catch {
    return false;
  }
}

function caUsable(ca: CertificateAuthority, now: Date): boolean {
  try {
    const cert = new X509Certificate(ca.caCert);
    return cert.checkPrivateKey(createPrivateKey(ca.caKey)) && now < new Date(cert.validTo);
  } catch {
    return false;
  }
}

function elapsed(since: Date | undefined, context: RotationContext): boolean {
  return since !== undefined && context.now.getTime() >= since.getTime() + context.overlapMs;
}

/**
 * The next step for `stored`, or undefined when it is to be adopted as it is. A serving
 * certificate from a new CA appears only after that CA was seen in every caBundle and one overlap
 * passed, except when nothing usable is served anyway (`replaced-ca`).
 */
export function planNextStep(stored: StoredCertificates, context: RotationContext): PlannedStep | undefined {
  const { now } = context;
  const { active, next, previous } = stored;
  if (!active) return replace(stored, context, stored.activeMissingReason ?? 'no certificate set');
  // An expired CA verifies nothing: whatever step is written next leaves it out.
  const retirement = { previous: unexpiredCertificates(previous, now), switchedAt: stored.switchedAt };
  if (elapsed(stored.switchedAt, context)) {
    const { switchedAt, ...rest } = stored;
    return {
      step: 'retired-ca',
      reason: `previous CA trusted for one overlap after the switch at ${switchedAt!.toISOString()}`,
      state: { ...rest, active, previous: [] },
    };
  }
  if (next && caUsable(next, now)) {
    if (!servingUsable(active, now)) return replace(stored, context, 'serving certificate unusable during CA rotation');
    if (!stored.nextPublishedAt) {
      const published = context.publishedBundles.every((bundle) => bundleContains(bundle, [next.caCert, active.caCert]));
      if (!published) return undefined; // this round's caBundle sync publishes it
      return {
        step: 'published-ca',
        reason: 'every caBundle carries the next and the current CA',
        state: { active, next, nextPublishedAt: now, ...retirement },
      };
    }
    if (!elapsed(stored.nextPublishedAt, context)) return undefined;
    return {
      step: 'switched-ca',
      reason: `next CA published since ${stored.nextPublishedAt.toISOString()}`,
      state: {
        active: { ...next, ...context.issueServingCertificate(next) },
        previous: unexpiredCertificates([active.caCert, ...retirement.previous], now),
        switchedAt: now,
      },
    };
  }
  const problem = next
    ? { scope: 'ca' as const, reason: 'the next CA in the Secret is unusable' }
    : renewalReason(active, { dnsNames: context.dnsNames, now });
  if (!problem) return undefined;
  if (problem.scope === 'serving') {
    // Same CA: the caBundle does not change, so no replica becomes untrusted.
    return {
      step: 'renewed-serving',
      reason: problem.reason,
      state: { active: { ...active, ...context.issueServingCertificate(active) }, ...retirement },
    };
  }
  if (!servingUsable(active, now)) return replace(stored, context, problem.reason);
  return {
    step: 'staged-ca',
    reason: problem.reason,
    state: { active, next: context.newCertificateAuthority(), ...retirement },
  };
}

/**
 * A new CA signs at once: only when the Secret holds no serving pair worth keeping. Replicas may
 * still serve older files, though, so every CA published now stays trusted for one overlap.
 */
function replace(stored: StoredCertificates, context: RotationContext, reason: string): PlannedStep {
  const ca = context.newCertificateAuthority();
  const previous = unexpiredCertificates(
    [...context.publishedBundles.flat(), ...(stored.active ? [stored.active.caCert] : []), ...stored.previous],
    context.now,
  );
  return {
    step: 'replaced-ca',
    reason,
    state: {
      active: { ...ca, ...context.issueServingCertificate(ca) },
      previous,
      ...(previous.length > 0 ? { switchedAt: context.now } : {}),
    },
  };
}
