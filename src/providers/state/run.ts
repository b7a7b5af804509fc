/**
 * One verification run over a package.json's text: resolve, then verify, updating a DocumentState
 * as verdicts arrive. No `vscode` import (unit-tested with a fake engine).
 */
import type { ProvenanceEngineApi, VerifyRequest } from '../../verify/api';
import type { ManifestDependency, ManifestParseResult, ResolvedDependency, Verdict } from '../../verify/types';
import { dependencyKey, type DependencyState, type DocumentState, ignoredVerdict, isIgnored } from './documentState';

export interface RunInput {
  engine: ProvenanceEngineApi;
  text: string;
  ignore: readonly string[];
  signal: AbortSignal;
  /** Lower numbers are verified first (e.g. visible lines first). */
  priority?: (dependency: ManifestDependency) => number;
  /** Previous state: settled verdicts for unchanged name@version@integrity are kept, not re-verified. */
  previous?: DocumentState;
  onUpdate?: (state: DocumentState) => void;
}

const KEEP: ReadonlySet<string> = new Set(['verified', 'invalid', 'no-provenance']);

function localVerdict(name: string, version: string, code: 'unresolved' | 'cancelled' | 'internal-error', message: string): Verdict {
  return { name, version, status: 'unavailable', reason: { code, message } };
}

function requestKey(r: VerifyRequest): string {
  return JSON.stringify([r.name, r.version, r.integrity ?? '', r.resolved ?? '', r.location ?? '']);
}

interface RequestGroup {
  request: VerifyRequest;
  /** Dependencies that resolve to this same request (one verification for all of them). */
  deps: DependencyState[];
  priority: number;
}

/** The previous run's settled verdict, when the dependency still resolves to the same copy. */
function keptVerdict(old: DependencyState | undefined, r: ResolvedDependency): Verdict | undefined {
  if (!old?.verdict || !KEEP.has(old.verdict.status)) return undefined;
  const prev = old.resolved;
  const same =
    prev?.name === r.name &&
    prev?.version === r.version &&
    prev?.integrity === r.integrity &&
    prev?.resolved === r.resolved &&
    prev?.location === r.location;
  return same ? old.verdict : undefined;
}

/** A verdict decided without verifying: ignored, given by the resolution itself, unresolved, or kept from the previous run. */
function verdictWithoutVerifying(dependency: ManifestDependency, r: ResolvedDependency, input: RunInput): Verdict | undefined {
  const registryName = dependency.registryName ?? r.name;
  if (isIgnored(dependency.name, input.ignore) || isIgnored(registryName, input.ignore))
    return ignoredVerdict(registryName, r.version ?? '');
  if (r.verdict) return r.verdict;
  if (!r.version) return localVerdict(registryName, '', 'unresolved', `${dependency.spec} could not be resolved to an exact version.`);
  return keptVerdict(input.previous?.deps.get(dependencyKey(dependency.section, dependency.name)), r);
}

/**
 * Fills `state.deps` from the resolution and returns what is left to verify, one group per distinct
 * request (dependencies resolving to the same copy share one verification), unordered.
 */
function planRun(
  state: DocumentState,
  manifest: ManifestParseResult,
  resolved: readonly ResolvedDependency[],
  input: RunInput,
): RequestGroup[] {
  state.deps = new Map();
  const groups = new Map<string, RequestGroup>();
  for (const r of resolved) {
    const dependency = r.dependency;
    if (!dependency) continue;
    const dep: DependencyState = { dependency, resolved: r };
    state.deps.set(dependencyKey(dependency.section, dependency.name), dep);
    const verdict = verdictWithoutVerifying(dependency, r, input);
    if (verdict) {
      dep.verdict = verdict;
      continue;
    }
    // r.version is set here: a dependency without one got its 'unresolved' verdict above.
    const request: VerifyRequest = {
      name: r.name,
      version: r.version ?? '',
      integrity: r.integrity,
      resolved: r.resolved,
      location: r.location,
      resolvedFrom: r.resolvedFrom,
    };
    const rk = requestKey(request);
    const priority = input.priority?.(dependency) ?? 0;
    const group = groups.get(rk);
    if (group) {
      group.deps.push(dep);
      group.priority = Math.min(group.priority, priority);
    } else {
      groups.set(rk, { request, deps: [dep], priority });
    }
  }
  // Dependencies the engine parsed but did not resolve (should not happen) are not left pending.
  for (const dependency of manifest.dependencies) {
    const key = dependencyKey(dependency.section, dependency.name);
    if (!state.deps.has(key)) {
      state.deps.set(key, {
        dependency,
        verdict: localVerdict(dependency.registryName ?? dependency.name, '', 'unresolved', 'The engine did not resolve this dependency.'),
      });
    }
  }
  return [...groups.values()];
}

/** Verifies the groups, highest priority (lowest number) first, giving each verdict to its dependencies as it arrives. */
async function verifyGroups(state: DocumentState, groups: readonly RequestGroup[], input: RunInput): Promise<void> {
  const { engine, signal } = input;
  const ordered = [...groups].sort((a, b) => a.priority - b.priority);
  if (!ordered.length) return;
  const verdicts = await engine.verifyAll(
    ordered.map((g) => g.request),
    {
      signal,
      onVerdict: (verdict, index) => {
        if (signal.aborted) return;
        const group = ordered[index];
        if (!group) return;
        for (const dep of group.deps) dep.verdict = verdict;
        input.onUpdate?.(state);
      },
    },
  );
  if (signal.aborted) return;
  ordered.forEach((group, index) => {
    const verdict = verdicts[index];
    for (const dep of group.deps) if (!dep.verdict && verdict) dep.verdict = verdict;
  });
}

/** Gives every dependency still without a verdict an `unavailable: internal-error` one. */
function settleMissing(state: DocumentState, message: string): void {
  for (const dep of state.deps.values()) {
    if (!dep.verdict) {
      dep.verdict = localVerdict(dep.resolved?.name ?? dep.dependency.name, dep.resolved?.version ?? '', 'internal-error', message);
    }
  }
}

export async function runDocument(state: DocumentState, input: RunInput): Promise<void> {
  const { engine, signal } = input;
  state.running = true;
  state.error = undefined;
  try {
    const { manifest, lockfile, resolved } = await engine.resolveManifest(state.fsPath, input.text, { signal });
    if (signal.aborted) return;
    state.manifest = manifest;
    state.lockfile = lockfile ? { kind: lockfile.kind, path: lockfile.path } : undefined;
    const groups = planRun(state, manifest, resolved, input);
    input.onUpdate?.(state);
    await verifyGroups(state, groups, input);
    if (signal.aborted) return;
    settleMissing(state, 'No verdict was returned.');
  } catch (err) {
    if (signal.aborted) return;
    state.error = err instanceof Error ? err.message : String(err);
    settleMissing(state, state.error);
  } finally {
    if (!signal.aborted) {
      state.running = false;
      state.finishedAt = Date.now();
      input.onUpdate?.(state);
    }
  }
}
