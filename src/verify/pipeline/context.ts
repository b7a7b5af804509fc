/**
 * What the pipeline's steps share: the services the engine provides, and the state of one verification.
 */
import type { EngineLogger, EngineOptions, VerifyRequest } from '../api';
import type { VerdictCache } from '../cache';
import type { Binding, RegistryPin } from '../integrity';
import type { RegistryClient } from '../registry';
import type { NpmKey, TrustBundle } from '../trust';
import type { ProvenanceFacts, RegistrySignature, Verdict } from '../types';
import type { AttestationVerifier } from '../worker/pool';
import { isRecord } from '../util/guards';

/** What the steps need from the engine (memoized per engine). */
export interface PipelineServices {
  readonly options: EngineOptions;
  readonly log: EngineLogger;
  readonly client: RegistryClient;
  readonly cache: VerdictCache;
  /** Asked for signatures and attestations when the configured registry strips them; undefined: disabled. */
  readonly attestationRegistry: string | undefined;
  readonly attestations: AttestationVerifier;
  trust(): Promise<TrustBundle>;
  /** The registry's npm signing keys (TUF for registry.npmjs.org, else /-/npm/v1/keys); null: none published. */
  registryKeys(registry: string, trust: TrustBundle): Promise<NpmKey[] | null>;
  /** Packument `time` (unsigned, as the registry reports it). */
  publishTimesOf(name: string, registry: string, signal?: AbortSignal): Promise<Record<string, string> | undefined>;
  /**
   * Fingerprint of everything a cached verdict depends on besides the version's integrity: trusted root,
   * npm keys (TUF, the keys file, or those the registries publish), the registry and the attestation
   * registry. Undefined when it cannot be established (then no cached verdict is used or written).
   */
  cacheScope(registry: string, trust: TrustBundle): Promise<string | undefined>;
  /**
   * When cacheScope cannot be established only because the attestation registry's keys are unknown (it
   * cannot be reached): a scope for transient verdicts alone (`unavailable: mirror-stripped`), which say
   * nothing about the package. Never a scope for final verdicts.
   */
  transientScope(registry: string, trust: TrustBundle): Promise<string | undefined>;
}

export interface VersionDist {
  integrity?: unknown;
  shasum?: unknown;
  signatures?: unknown;
  attestations?: unknown;
}

export interface VersionDoc {
  name?: unknown;
  version?: unknown;
  dist?: VersionDist;
}

/** Where the installer fetches the tarball from: the registry, or another host (a remote tarball). */
export type Route = { kind: 'registry' } | { kind: 'remote'; host: string };

/** The state of one verification, filled in by the steps in order. */
export interface VerifyContext {
  readonly request: VerifyRequest;
  readonly name: string;
  readonly version: string;
  /** `name@version`, for messages. */
  readonly id: string;
  readonly signal?: AbortSignal;
  /** The configured registry for the name (normalised). */
  readonly registry: string;
  /** Whether the request comes from a lockfile: then the lockfile's integrity is what the installer checks. */
  readonly fromLockfile: boolean;
  trust?: TrustBundle;
  /** Cache scope (see PipelineServices.cacheScope); undefined: no final verdict is read or stored. */
  scope?: string;
  /** Without a scope, the one transient verdicts may be kept under (see PipelineServices.transientScope). */
  transientScope?: string;
  route?: Route;
  /** How the lockfile's integrity relates to the registry's signed tarball, once known. */
  binding?: Binding;
  doc?: VersionDoc;
  /** dist.integrity as the configured registry serves it. */
  integrity?: string;
  /** What the configured registry's integrity pins. */
  pin?: RegistryPin;
  /** The registry whose signatures and attestations are judged (the configured one or the attestation registry). */
  used?: string;
  /** Set when the attestations came from the attestation registry. */
  attestationRegistry?: string;
  /** The attestation registry does not know the package: judged by the configured registry alone. */
  notPublic?: boolean;
  keys?: NpmKey[] | null;
  registrySignature?: RegistrySignature;
  /** The verified provenance and whether a publish attestation (the registry's word) was among it. */
  provenance?: { facts: ProvenanceFacts; publishAttestation: boolean };
  /** The signed publish time (the verified transparency-log entry's integratedTime). */
  signedTime?: string;
  /** The registry's (unsigned) publish time, when it was fetched. */
  registryPublishTime?: string;
  keyValidityTime?: Verdict['keyValidityTime'];
}

export function hasSignatures(dist: VersionDist | undefined): boolean {
  return Array.isArray(dist?.signatures) && dist!.signatures.length > 0;
}

export function hasAttestations(dist: VersionDist | undefined): boolean {
  return isRecord(dist?.attestations);
}

/** The fields every verdict about this request carries. */
export function requestFields(ctx: VerifyContext): Pick<Verdict, 'name' | 'version' | 'resolvedFrom' | 'location' | 'resolved'> {
  const r = ctx.request;
  return {
    name: ctx.name,
    version: ctx.version,
    ...(r.resolvedFrom !== undefined ? { resolvedFrom: r.resolvedFrom } : {}),
    ...(r.location !== undefined ? { location: r.location } : {}),
    ...(r.resolved !== undefined ? { resolved: r.resolved } : {}),
  };
}

/** What is known about the version so far, for any verdict the registry steps give. */
export function knownFields(ctx: VerifyContext): Partial<Verdict> {
  const out: Partial<Verdict> = {};
  if (ctx.integrity !== undefined) out.integrity = ctx.integrity;
  if (ctx.doc !== undefined) out.registry = ctx.registry;
  if (ctx.attestationRegistry !== undefined) out.attestationRegistry = ctx.attestationRegistry;
  if (ctx.registrySignature !== undefined) out.registrySignature = ctx.registrySignature;
  if (ctx.signedTime !== undefined) out.publishTime = ctx.signedTime;
  if (ctx.registryPublishTime !== undefined) out.registryPublishTime = ctx.registryPublishTime;
  if (ctx.keyValidityTime !== undefined) out.keyValidityTime = ctx.keyValidityTime;
  return out;
}

/** A step of the pipeline: returns a verdict to stop with it, or nothing to go on; failures throw VerdictError. */
export interface Step {
  readonly name: string;
  run(services: PipelineServices, ctx: VerifyContext): Promise<Verdict | void> | Verdict | void;
}
