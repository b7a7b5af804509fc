/**
 * Verification as a list of named steps (after sigstore-js's verifier): each step reads and fills the
 * context, returns a verdict to stop with it, or throws a VerdictError. `runPipeline` turns every outcome
 * into a verdict in one place, persists verdicts about the registry's version, and then binds that verdict
 * to the request: the lockfile's integrity and tarball URL decide whether it is about the installed bytes.
 */
import type { VerifyRequest } from '../api';
import { bindIntegrity, registryPin } from '../integrity';
import { RegistryError } from '../registry';
import type { Verdict } from '../types';
import { attestations, registryEndorsement } from './attestations';
import { cacheByLockfileIntegrity, cacheByRegistryIntegrity, cacheOffline, remember } from './cache';
import { knownFields, requestFields, type PipelineServices, type Step, type VerifyContext } from './context';
import { bindLockfile, registryIntegrity, versionDocument } from './document';
import { Cancelled, VerdictError, throwIfAborted } from './error';
import { facts } from './facts';
import { registryKeys, strippedCheck } from './keys';
import { mirrorFallback } from './mirror';
import { checkRequest, loadTrust } from './request';
import { noProvenance, registrySignaturesPrecheck, registrySignatureTime } from './signatures';

export { VerdictError, Cancelled, throwIfAborted } from './error';
export type { PipelineServices, VerifyContext, Step } from './context';
export { routeOf, PUBLIC_REGISTRY_HOSTS } from './request';

/** Every step, in order. */
export const STEPS: readonly Step[] = [
  checkRequest,
  loadTrust,
  cacheByLockfileIntegrity,
  cacheOffline,
  versionDocument,
  bindLockfile,
  registryIntegrity,
  cacheByRegistryIntegrity,
  mirrorFallback,
  registryKeys,
  strippedCheck,
  registrySignaturesPrecheck,
  noProvenance,
  attestations,
  registrySignatureTime,
  registryEndorsement,
  facts,
];

/** Whether the request names what a lockfile installs (then its integrity is what the installer checks). */
export function isLockfileRequest(request: VerifyRequest): boolean {
  return request.resolvedFrom === 'lockfile' || request.integrity !== undefined || request.resolved !== undefined;
}

export function newContext(request: VerifyRequest, registry: string, signal?: AbortSignal): VerifyContext {
  return {
    request,
    name: request.name,
    version: request.version,
    id: `${request.name}@${request.version}`,
    signal,
    registry,
    fromLockfile: isLockfileRequest(request),
  };
}

/** Run the steps; never throws. */
export async function runPipeline(s: PipelineServices, ctx: VerifyContext, steps: readonly Step[] = STEPS): Promise<Verdict> {
  let verdict: Verdict | undefined;
  try {
    throwIfAborted(ctx.signal);
    for (const step of steps) {
      const out = await step.run(s, ctx);
      if (out) {
        verdict = out;
        break;
      }
    }
    if (!verdict) throw new Error('the pipeline ended without a verdict');
  } catch (err) {
    if (err instanceof VerdictError && err.scope === 'request') return toVerdict(s, ctx, err);
    verdict = toVerdict(s, ctx, err);
  }
  await remember(s, ctx, verdict);
  return bind(ctx, verdict);
}

/** Every failure becomes a verdict here. */
export function toVerdict(s: PipelineServices, ctx: VerifyContext, err: unknown): Verdict {
  const base = requestFields(ctx);
  if (err instanceof Cancelled || ctx.signal?.aborted) {
    return { ...base, status: 'unavailable', reason: { code: 'cancelled', message: 'Verification was cancelled.' } };
  }
  if (err instanceof VerdictError) {
    return { ...base, ...knownFields(ctx), ...err.extra, status: err.status, reason: { code: err.code, message: err.message } };
  }
  if (err instanceof RegistryError) {
    return { ...base, status: 'unavailable', integrity: ctx.request.integrity, reason: { code: err.code, message: err.message } };
  }
  const message = err instanceof Error ? err.message : String(err);
  s.log.error(`${ctx.id}: internal error: ${message}`);
  return { ...base, status: 'unavailable', reason: { code: 'internal-error', message: `Internal error: ${message}` } };
}

/**
 * A verdict about the registry's version, applied to the request. Without a lockfile the installer fetches
 * the registry's tarball and checks the registry's integrity: the verdict stands. With one, it checks the
 * lockfile's integrity only: a verdict stands only when every digest the installer accepts is the signed
 * sha512; a lockfile that pins other bytes is invalid whatever the registry's verdict.
 */
export function bind(ctx: VerifyContext, verdict: Verdict): Verdict {
  const { location: _location, resolved: _resolved, ...rest } = verdict;
  const out: Verdict = { ...rest, ...requestFields(ctx) };
  if (!ctx.fromLockfile || verdict.integrity === undefined || (!ctx.pin && !verdict.cached)) return out;
  const binding = ctx.binding ?? bindIntegrity(ctx.request.integrity, registryPin(verdict.integrity));
  const strip = (): Verdict => {
    const v: Verdict = { ...out };
    delete v.facts;
    delete v.cached;
    return v;
  };
  switch (binding.kind) {
    case 'pinned':
      return out;
    case 'mismatch':
      return {
        ...strip(),
        status: 'invalid',
        reason: {
          code: 'lockfile-integrity-mismatch',
          message: `The lockfile records integrity ${(ctx.request.integrity ?? '').slice(0, 24)}… for ${ctx.id}, but the registry serves ${verdict.integrity.slice(0, 24)}…: the package changed after it was locked, or the lockfile was edited.`,
        },
      };
    case 'ambiguous':
      return { ...strip(), status: 'invalid', reason: { code: 'ambiguous-integrity', message: `${binding.message} (${ctx.id})` } };
    case 'missing':
    case 'weak': {
      if (ctx.route?.kind === 'remote') {
        return {
          ...strip(),
          status: 'unavailable',
          reason: {
            code: 'remote-tarball-unpinned',
            message: `The lockfile installs ${ctx.id} from ${ctx.route.host}, not from the registry, and ${binding.kind === 'missing' ? 'records no integrity' : binding.message}: the registry's provenance says nothing about what that host serves.`,
          },
        };
      }
      if (verdict.status !== 'verified') return out;
      return {
        ...strip(),
        status: 'unavailable',
        reason:
          binding.kind === 'missing'
            ? {
                code: 'lockfile-integrity-missing',
                message: `The lockfile records no integrity for ${ctx.id} that can be compared with the signed sha512: the registry's verified provenance cannot be tied to what is installed. npm, pnpm and bun lockfiles: re-lock to record the sha512. yarn berry records only a checksum of its own zip archive, which no signature covers.`,
              }
            : {
                code: 'lockfile-integrity-weak',
                message: `For ${ctx.id}, ${binding.message}: the installer checks only that, so the verified provenance cannot be tied to what is installed. Re-lock to record the sha512.`,
              },
      };
    }
  }
}

export { knownFields };
