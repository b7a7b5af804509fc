/**
 * One verification run over a package.json's text: resolve, then verify, updating a DocumentState
 * as verdicts arrive. No `vscode` import (unit-tested with a fake engine).
 */
import type { ProvenanceEngineApi, VerifyRequest } from '../../verify/api';
import type { ManifestDependency, Verdict } from '../../verify/types';
import { dependencyKey, type DependencyState, type DocumentState, ignoredVerdict, isIgnored } from './model';

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

export async function runDocument(state: DocumentState, input: RunInput): Promise<void> {
  const { engine, signal } = input;
  state.running = true;
  state.error = undefined;
  try {
    const { manifest, lockfile, resolved } = await engine.resolveManifest(state.fsPath, input.text, { signal });
    if (signal.aborted) return;
    state.manifest = manifest;
    state.lockfile = lockfile ? { kind: lockfile.kind, path: lockfile.path } : undefined;
    state.deps = new Map();
    const groups = new Map<string, { request: VerifyRequest; deps: DependencyState[]; priority: number }>();

    for (const r of resolved) {
      const dependency = r.dependency;
      if (!dependency) continue;
      const key = dependencyKey(dependency.section, dependency.name);
      const dep: DependencyState = { dependency, resolved: r };
      state.deps.set(key, dep);
      const registryName = dependency.registryName ?? r.name;
      if (isIgnored(dependency.name, input.ignore) || isIgnored(registryName, input.ignore)) {
        dep.verdict = ignoredVerdict(registryName, r.version ?? '');
        continue;
      }
      if (r.verdict) {
        dep.verdict = r.verdict;
        continue;
      }
      if (!r.version) {
        dep.verdict = localVerdict(registryName, '', 'unresolved', `${dependency.spec} could not be resolved to an exact version.`);
        continue;
      }
      const request: VerifyRequest = { name: r.name, version: r.version, integrity: r.integrity, resolved: r.resolved, location: r.location, resolvedFrom: r.resolvedFrom };
      const old = input.previous?.deps.get(key);
      if (
        old?.verdict &&
        KEEP.has(old.verdict.status) &&
        old.resolved?.name === r.name &&
        old.resolved?.version === r.version &&
        old.resolved?.integrity === r.integrity &&
        old.resolved?.resolved === r.resolved &&
        old.resolved?.location === r.location
      ) {
        dep.verdict = old.verdict;
        continue;
      }
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
    input.onUpdate?.(state);

    const ordered = [...groups.values()].sort((a, b) => a.priority - b.priority);
    if (ordered.length) {
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
    for (const dep of state.deps.values()) {
      if (!dep.verdict) {
        dep.verdict = localVerdict(dep.resolved?.name ?? dep.dependency.name, dep.resolved?.version ?? '', 'internal-error', 'No verdict was returned.');
      }
    }
  } catch (err) {
    if (signal.aborted) return;
    state.error = err instanceof Error ? err.message : String(err);
    for (const dep of state.deps.values()) {
      if (!dep.verdict) {
        dep.verdict = localVerdict(dep.resolved?.name ?? dep.dependency.name, dep.resolved?.version ?? '', 'internal-error', state.error);
      }
    }
  } finally {
    if (!signal.aborted) {
      state.running = false;
      state.finishedAt = Date.now();
      input.onUpdate?.(state);
    }
  }
}
