/**
 * Trust history in the editor: after a package.json's verdicts are in, each direct dependency that is
 * verified or published without provenance is judged against the earlier versions of its release line
 * (src/verify/history), in the background, a few at a time. Full packuments are large, so only the
 * dependencies of the package.json files open in an editor are asked for, and each name@version once
 * per folder until something changes (policy, settings, engines). A history that cannot be read is a
 * note on the dependency, never a failure of the badge or the verdict.
 *
 * No `vscode` import: the editor wiring is in ../trust/controller.ts.
 */
import * as path from 'node:path';
import type { ProvenanceEngineApi } from '../../verify/api';
import type { AssessOptions } from '../../verify/history/service';
import type { PackageHistory } from '../../verify/history/evidence';
import { EMPTY_POLICY, type Policy } from '../../verify/policy/types';
import type { TrustAssessment } from '../../verify/history/types';
import type { Verdict } from '../../verify/types';
import { findLineFix, type LineFix } from '../codeActions/trust';
import {
  currentTrust,
  downgradeOf,
  type DependencyState,
  type DependencyTrust,
  type DocumentState,
  type TrustPolicyStatus,
} from './documentState';

/** What the tracker needs of a trust-history service (src/verify/history TrustHistory). */
export interface TrustService {
  assess(verdict: Verdict, options?: AssessOptions): Promise<TrustAssessment>;
  history(name: string, registry?: string, signal?: AbortSignal): Promise<PackageHistory>;
  setPolicy(policy: Policy | undefined): void;
}

/** The service, engine and policy for one package.json's folder. */
export interface TrustScope {
  service: TrustService;
  engine: ProvenanceEngineApi;
  policy: TrustPolicyStatus;
  /**
   * The folder's policy, handed to each judgement (one service is shared by folders with different
   * policies); undefined: the defaults, never whatever policy the shared service holds.
   */
  rules?: Policy;
}

export interface TrustTrackerOptions {
  /** `provenanceLens.trustHistory.enabled`. */
  enabled(): boolean;
  /** The scope of a package.json (its folder's engine and service, the policy set on it). */
  scopeFor(fsPath: string): Promise<TrustScope>;
  /** A document's state changed outside a verification run (re-render badges, diagnostics). */
  notify(uri: string): void;
  /** A document's current state (undefined: closed or being verified afresh); default: the last one seen. */
  current?(uri: string): DocumentState | undefined;
  log?: { info(message: string): void; warn(message: string): void };
  /** Histories judged at once. Default 2. */
  concurrency?: number;
}

/** A trust-history service on one engine: its full packuments and verifications are the engine's. */
export function serviceFor(engine: ProvenanceEngineApi, options: { policy?: Policy; now?: () => Date } = {}): TrustService {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { TrustHistory } = require('../../verify/history/service') as typeof import('../../verify/history/service');
  return new TrustHistory(
    {
      fetchPackument: (name, o) => {
        if (!engine.fetchPackument) return Promise.reject(new Error('this engine cannot fetch full packuments'));
        return engine.fetchPackument(name, o);
      },
      verifyVersion: (request, o) => engine.verify(request, o ?? {}),
      ...(options.now ? { now: options.now } : {}),
    },
    options.policy ? { policy: options.policy } : {},
  );
}

const JUDGEABLE: ReadonlySet<string> = new Set(['verified', 'no-provenance']);

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class TrustTracker {
  private generation = 0;
  /** By folder, registry, name@version and verdict status: pending or settled. */
  private readonly results = new Map<string, DependencyTrust>();
  /** Documents waiting for a result. */
  private readonly waiting = new Map<string, Set<string>>();
  private readonly scopes = new Map<string, Promise<TrustScope>>();
  /** Settled policy status by folder. */
  private readonly policies = new Map<string, TrustPolicyStatus>();
  /** The latest state seen of each document. */
  private readonly states = new Map<string, DocumentState>();
  private readonly fixes = new Map<string, Promise<LineFix | undefined>>();
  private readonly queue: (() => Promise<void>)[] = [];
  private active = 0;

  constructor(private readonly options: TrustTrackerOptions) {}

  /** A judgement is of a verdict: the same name@version with another status (another copy, a later run) is judged again. */
  private key(dir: string, v: Verdict): string {
    return `${dir}\u0000${v.attestationRegistry ?? v.registry ?? ''}\u0000${v.name}@${v.version}\u0000${v.status}`;
  }

  /**
   * Attach what is known to a document's dependencies and, once its verification run is over, start
   * the histories not asked for yet. Called whenever the document's state changes.
   */
  track(state: DocumentState): void {
    this.states.set(state.uri, state);
    if (!this.options.enabled()) {
      for (const dep of state.deps.values()) delete dep.trust;
      delete state.trustPolicy;
      return;
    }
    const dir = path.dirname(state.fsPath);
    const policy = this.policies.get(dir);
    if (policy) state.trustPolicy = policy;
    for (const dep of state.deps.values()) {
      const v = dep.verdict;
      if (!v || !JUDGEABLE.has(v.status) || !v.name || !v.version) continue;
      const key = this.key(dir, v);
      let known = this.results.get(key);
      if (!known) {
        // Never before the verdicts are in: the badges come first.
        if (state.running) continue;
        known = { id: `${v.name}@${v.version}`, state: 'pending' };
        this.results.set(key, known);
        this.start(key, state.fsPath, v);
      }
      dep.trust = known;
      if (known.state === 'pending') (this.waiting.get(key) ?? this.waiting.set(key, new Set()).get(key)!).add(state.uri);
    }
  }

  /** A document was closed. */
  forget(uri: string): void {
    this.states.delete(uri);
    for (const uris of this.waiting.values()) uris.delete(uri);
  }

  /** Forget every result (policy, settings or engines changed) and judge the open documents again. */
  invalidate(): void {
    this.generation++;
    this.results.clear();
    this.waiting.clear();
    this.scopes.clear();
    this.policies.clear();
    this.fixes.clear();
    this.queue.length = 0;
    for (const [uri, seen] of [...this.states]) {
      const state = this.options.current ? this.options.current(uri) : seen;
      if (!state) {
        this.forget(uri);
        continue;
      }
      for (const dep of state.deps.values()) delete dep.trust;
      delete state.trustPolicy;
      this.track(state);
      this.options.notify(state.uri);
    }
  }

  /** Every pending or settled result has been asked for; resolves when none is pending (tests). */
  async idle(): Promise<void> {
    while (this.active > 0 || this.queue.length > 0 || [...this.results.values()].some((r) => r.state === 'pending')) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** The policy status of the package.json files opened so far, by folder. */
  policyStatuses(): TrustPolicyStatus[] {
    return [...this.policies.values()];
  }

  private scope(fsPath: string): Promise<TrustScope> {
    const dir = path.dirname(fsPath);
    let p = this.scopes.get(dir);
    if (!p) {
      const generation = this.generation;
      p = this.options.scopeFor(fsPath);
      this.scopes.set(dir, p);
      p.then(
        (scope) => {
          if (generation !== this.generation) return;
          this.policies.set(dir, scope.policy);
          for (const state of this.states.values()) {
            if (path.dirname(state.fsPath) !== dir || state.trustPolicy === scope.policy) continue;
            state.trustPolicy = scope.policy;
            this.options.notify(state.uri);
          }
        },
        () => {
          if (this.scopes.get(dir) === p) this.scopes.delete(dir);
        },
      );
    }
    return p;
  }

  private start(key: string, fsPath: string, verdict: Verdict): void {
    const generation = this.generation;
    const id = `${verdict.name}@${verdict.version}`;
    this.queue.push(async () => {
      if (generation !== this.generation) return;
      let result: DependencyTrust;
      try {
        const scope = await this.scope(fsPath);
        if (generation !== this.generation) return;
        const assessment = await scope.service.assess(verdict, { history: true, policy: scope.rules ?? EMPTY_POLICY });
        result = { id, state: 'done', assessment };
        if (!assessment.history) this.options.log?.info(`Trust history of ${id}: ${assessment.notes.join(' ') || 'not read'}`);
        else
          this.options.log?.info(
            `Trust history of ${id} (${assessment.line}): ${assessment.findings.map((f) => `${f.code} (${f.severity})`).join(', ') || 'no findings'}.`,
          );
      } catch (err) {
        result = { id, state: 'done', note: `trust history unavailable: ${message(err)}` };
        this.options.log?.warn(`Trust history of ${id} unavailable: ${message(err)}`);
      }
      if (generation !== this.generation) return;
      this.settle(key, result);
    });
    this.pump();
  }

  private settle(key: string, result: DependencyTrust): void {
    this.results.set(key, result);
    const uris = this.waiting.get(key) ?? new Set<string>();
    this.waiting.delete(key);
    for (const uri of uris) {
      const state = this.states.get(uri);
      if (!state) continue;
      const dir = path.dirname(state.fsPath);
      let changed = false;
      for (const dep of state.deps.values()) {
        if (dep.verdict && JUDGEABLE.has(dep.verdict.status) && this.key(dir, dep.verdict) === key) {
          dep.trust = result;
          changed = true;
        }
      }
      if (changed) this.options.notify(uri);
    }
  }

  private pump(): void {
    const limit = Math.max(1, this.options.concurrency ?? 2);
    while (this.active < limit && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.active++;
      void job()
        .catch((err: unknown) => this.options.log?.warn(`Trust history: ${message(err)}`))
        .finally(() => {
          this.active--;
          this.pump();
        });
    }
  }

  /**
   * The version a quick fix proposes for a downgrade: the newest of the same release line whose provenance
   * verifies and whose evidence is at least what the line had (undefined when there is no downgrade or no
   * such version). Memoized per dependency until `invalidate`.
   */
  lineFix(fsPath: string, dep: DependencyState): Promise<LineFix | undefined> {
    return this.lineFixOf(fsPath, dep, true) ?? Promise.resolve(undefined);
  }

  /** lineFix's answer when it was already asked for (undefined otherwise: nothing is looked up). */
  knownLineFix(fsPath: string, dep: DependencyState): Promise<LineFix | undefined> | undefined {
    return this.lineFixOf(fsPath, dep, false);
  }

  private lineFixOf(fsPath: string, dep: DependencyState, compute: boolean): Promise<LineFix | undefined> | undefined {
    const trust = currentTrust(dep);
    const verdict = dep.verdict;
    const finding = downgradeOf(trust?.assessment);
    if (!verdict || !finding?.previous) return Promise.resolve(undefined);
    const key = `${this.key(path.dirname(fsPath), verdict)}\u0000${finding.previous.level}`;
    let p = this.fixes.get(key);
    if (!p && !compute) return undefined;
    if (!p) {
      p = (async () => {
        const scope = await this.scope(fsPath);
        const history = await scope.service.history(verdict.name, verdict.attestationRegistry ?? verdict.registry);
        const deprecated = new Set<string>();
        try {
          for (const v of (await scope.engine.listVersions(verdict.name)).versions) if (v.deprecated) deprecated.add(v.version);
        } catch {
          // deprecation is a preference; without the list every version is a candidate
        }
        return findLineFix({
          history,
          current: verdict.version,
          lost: finding.previous!.level,
          ...(finding.previous!.verification === 'verified' && finding.previous!.sourceRepository
            ? { source: finding.previous!.sourceRepository }
            : {}),
          deprecated,
          verify: (version) => scope.engine.verify({ name: verdict.name, version, resolvedFrom: 'registry' }),
        });
      })();
      this.fixes.set(key, p);
      p.catch(() => this.fixes.delete(key));
    }
    return p;
  }
}
