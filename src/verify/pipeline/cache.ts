/**
 * Cached verdicts: reused only under the same scope (trusted root, npm keys, registry, attestation
 * registry; see PipelineServices.cacheScope), online and offline alike. A cached verdict is about the
 * registry's version; the request's lockfile binding is applied to it afterwards like to a fresh one.
 * Transient verdicts (`unavailable: mirror-stripped`, kept for minutes) may also be kept under a
 * transient scope when the attestation registry's keys are unknown (PipelineServices.transientScope);
 * nothing else is ever read from or written under that one.
 */
import type { Step, VerifyContext } from './context';
import type { Verdict } from '../types';
import type { PipelineServices } from './context';
import { isTransientVerdict } from '../cache';
import { redactVerdict } from '../format/redact';

async function lookup(s: PipelineServices, ctx: VerifyContext, integrity: string): Promise<Verdict | undefined> {
  const scope = ctx.scope ?? ctx.transientScope;
  if (scope === undefined) return undefined;
  const verdict = await s.cache.get({ registry: ctx.registry, name: ctx.name, version: ctx.version, integrity, trustFingerprint: scope });
  if (verdict && ctx.scope === undefined && !isTransientVerdict(verdict)) return undefined;
  return verdict;
}

/** A lockfile's integrity lets a cached verdict answer without any request. */
export const cacheByLockfileIntegrity: Step = {
  name: 'cache (lockfile integrity)',
  async run(s, ctx) {
    if (!ctx.request.integrity) return;
    return lookup(s, ctx, ctx.request.integrity);
  },
};

/** Offline: the last final verdict stored for this version under the same scope. */
export const cacheOffline: Step = {
  name: 'cache (offline)',
  async run(s, ctx) {
    if (!s.options.offline || ctx.scope === undefined) return;
    return s.cache.getLatest(ctx.registry, ctx.name, ctx.version, ctx.scope);
  },
};

/** Once the registry's integrity is known. */
export const cacheByRegistryIntegrity: Step = {
  name: 'cache (registry integrity)',
  async run(s, ctx) {
    if (!ctx.integrity || ctx.integrity === ctx.request.integrity) return;
    return lookup(s, ctx, ctx.integrity);
  },
};

/**
 * Persist a final verdict about the registry's version (verified / no-provenance / invalid), or for a short
 * while an `unavailable: mirror-stripped` one (see VerdictCache) — except offline, where not reaching the
 * attestation registry says nothing about it.
 */
export async function remember(s: PipelineServices, ctx: VerifyContext, verdict: Verdict): Promise<void> {
  if (verdict.cached || !verdict.integrity) return;
  const transient = isTransientVerdict(verdict);
  if (transient && s.options.offline) return;
  const scope = ctx.scope ?? (transient ? ctx.transientScope : undefined);
  if (scope === undefined) return;
  // What the cache keeps is about the registry's version, not about this request's lockfile entry.
  // Redacted like everything that leaves the engine: a registry URL may carry credentials, and the cache is a file.
  const stored: Verdict = redactVerdict({ ...verdict });
  delete stored.location;
  delete stored.resolved;
  // Kept in memory at once; written to disk in batches (the verdict does not wait for the disk, and the
  // engine's dispose writes what is still waiting).
  s.cache
    .set({ registry: ctx.registry, name: ctx.name, version: ctx.version, integrity: verdict.integrity, trustFingerprint: scope }, stored)
    .catch((err: unknown) => {
      const message = `could not write the verdict cache: ${(err as Error).message}`;
      if (lastWriteWarning.get(s.cache) === message) return; // a failed batch fails every verdict in it
      lastWriteWarning.set(s.cache, message);
      s.log.warn(message);
    });
}

const lastWriteWarning = new WeakMap<object, string>();
