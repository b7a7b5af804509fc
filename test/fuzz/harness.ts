/**
 * Runs seeded mutations of the real verified cases through the whole engine: the loopback fixture
 * registry (test/fixture-registry) serves the mutated version document and/or attestations document in
 * place of the recorded ones, and a fresh ProvenanceEngine verifies `name@version` against it — the
 * registry signature over `<name>@<version>:<integrity>`, the publish attestation, the SLSA provenance
 * (Sigstore bundle, certificate, transparency log) and the binding of every statement to the integrity.
 *
 * A `verified` outcome for any mutation is a false verified: the generator never produces mutations of
 * unbound fields (mutations.ts, UNBOUND).
 */
import { ProvenanceEngine } from '../../src/verify/engine';
import type { EngineOptions } from '../../src/verify/api';
import { loadTrustMaterial, type TrustBundle } from '../../src/verify/trust';
import type { Verdict } from '../../src/verify/types';
import { type FixtureRegistry, realworld, startFixtureRegistry } from '../fixture-registry';
import { knownFinding } from './findings';
import { generateMutation, isObject, type FuzzCase, type Json, type Mutation } from './mutations';
import { Rng } from './rng';

/** An engine that shares one trust bundle (loaded once) instead of loading it per instance. */
class FuzzEngine extends ProvenanceEngine {
  constructor(
    options: EngineOptions,
    private readonly shared: Promise<TrustBundle>,
  ) {
    super(options);
  }

  override trust(): Promise<TrustBundle> {
    return this.shared;
  }
}

export interface Outcome {
  mutation: Mutation;
  /** `verified`, or `<status>:<reason code>`. */
  outcome: string;
  message?: string;
}

export interface FuzzSummary {
  seed: string;
  count: number;
  cases: string[];
  /** target → outcome → count */
  byTarget: Map<string, Map<string, number>>;
  byOutcome: Map<string, number>;
  /** allow-list rule → candidate mutations drawn and avoided */
  avoided: Map<string, number>;
  /** Every mutation that came out verified. */
  falseVerified: Outcome[];
  /** Those of them that are not a known open finding (findings.ts): must be none. */
  newFalseVerified: Outcome[];
  elapsedMs: number;
}

export interface FuzzWorld {
  registry: FixtureRegistry;
  cases: FuzzCase[];
  trust: Promise<TrustBundle>;
  close(): Promise<void>;
}

const versionPath = (c: FuzzCase): string => `/case/${c.id}/${c.name}/${c.version}`;
const attestationsPath = (c: FuzzCase): string => `/case/${c.id}/-/npm/v1/attestations/${c.name}@${c.version}`;

/** Starts the fixture registry and reads every real verified case as the registry serves it. */
export async function startFuzzWorld(): Promise<FuzzWorld> {
  const rw = realworld();
  const registry = await startFixtureRegistry();
  try {
    const cases: FuzzCase[] = [];
    for (const c of rw.cases.filter((x) => x.expected === 'verified')) {
      const escaped = c.name.startsWith('@') ? c.name.replace('/', '%2f') : c.name;
      const res = await fetch(`${registry.caseUrl(c.id)}${escaped}/${c.version}`);
      if (res.status !== 200) throw new Error(`the fixture registry answers ${res.status} for ${c.id}'s version document`);
      const versionDoc = (await res.json()) as Json;
      const attestations = rw.readJson(c.attestations) as Json;
      if (!isObject(versionDoc) || !isObject(attestations)) throw new Error(`unexpected documents for ${c.id}`);
      cases.push({ id: c.id, name: c.name, version: c.version, integrity: c.integrity, versionDoc, attestations });
    }
    if (cases.length < 2) throw new Error('the real-world data holds fewer than two verified cases');
    const trust = loadTrustMaterial({ refresh: false });
    await trust;
    return { registry, cases, trust, close: () => registry.close() };
  } catch (err) {
    await registry.close();
    throw err;
  }
}

/**
 * Verifies one case with the given documents served in place of the recorded ones (undefined: the
 * recorded one). Throws when the altered document was not the one the engine received (a harness error).
 */
export async function verifyServed(world: FuzzWorld, c: FuzzCase, docs: { versionDoc?: Json; attestations?: Json }): Promise<Verdict> {
  const { registry } = world;
  const removers: (() => void)[] = [];
  const start = registry.requests.length;
  if (docs.versionDoc !== undefined) {
    removers.push(registry.fault({ path: versionPath(c), method: 'GET', times: 1, status: 200, body: JSON.stringify(docs.versionDoc) }));
  }
  if (docs.attestations !== undefined) {
    removers.push(
      registry.fault({ path: attestationsPath(c), method: 'GET', times: 1, status: 200, body: JSON.stringify(docs.attestations) }),
    );
  }
  const engine = new FuzzEngine(
    { registry: registry.caseUrl(c.id), attestationRegistry: '', refreshTrust: false, useProjectNpmrc: false },
    world.trust,
  );
  try {
    const verdict = await engine.verify({ name: c.name, version: c.version });
    // The first document the engine fetches must have been the altered one (the version document when
    // it was altered, else the attestations document, which an unaltered version document leads to).
    const first = docs.versionDoc !== undefined ? versionPath(c) : docs.attestations !== undefined ? attestationsPath(c) : undefined;
    if (first) {
      const seen = registry.requests.slice(start).some((r) => decodeURIComponent(r.url.split('?')[0]!) === first);
      if (!seen) throw new Error(`harness: the engine never fetched ${first} (verdict ${verdict.status} ${verdict.reason?.code ?? ''})`);
    }
    return verdict;
  } finally {
    for (const remove of removers) remove();
    await engine.dispose();
  }
}

export function outcomeOf(verdict: Verdict): string {
  return verdict.status === 'verified' ? 'verified' : `${verdict.status}:${verdict.reason?.code ?? '?'}`;
}

/**
 * Checks that the harness can tell: every case verifies as recorded, and also when its recorded
 * documents are served through the same substitution path the mutations use.
 */
export async function checkBaseline(world: FuzzWorld): Promise<void> {
  for (const c of world.cases) {
    for (const docs of [{}, { versionDoc: c.versionDoc, attestations: c.attestations }]) {
      const v = await verifyServed(world, c, docs);
      if (v.status !== 'verified') {
        const how = Object.keys(docs).length ? 'with its recorded documents served through the substitution path' : 'as recorded';
        throw new Error(`harness: ${c.id} is ${outcomeOf(v)} ${how} (${v.reason?.message ?? ''})`);
      }
    }
  }
}

export interface RunOptions {
  seed: string;
  count: number;
  /** Run only these mutation indices (replaying a finding). */
  only?: number[];
  onOutcome?: (o: Outcome, done: number) => void;
}

export async function runFuzz(world: FuzzWorld, options: RunOptions): Promise<FuzzSummary> {
  const t0 = Date.now();
  const summary: FuzzSummary = {
    seed: options.seed,
    count: 0,
    cases: world.cases.map((c) => c.id),
    byTarget: new Map(),
    byOutcome: new Map(),
    avoided: new Map(),
    falseVerified: [],
    newFalseVerified: [],
    elapsedMs: 0,
  };
  const indices = options.only ?? Array.from({ length: options.count }, (_, i) => i);
  for (const index of indices) {
    const { mutation, avoided } = generateMutation(Rng.forMutation(options.seed, index), index, world.cases);
    for (const a of avoided) summary.avoided.set(a.rule, (summary.avoided.get(a.rule) ?? 0) + 1);
    const c = world.cases.find((x) => x.id === mutation.caseId)!;
    const verdict = await verifyServed(world, c, { versionDoc: mutation.versionDoc, attestations: mutation.attestations });
    const o: Outcome = { mutation, outcome: outcomeOf(verdict), message: verdict.reason?.message };
    summary.count++;
    const t = summary.byTarget.get(mutation.target) ?? new Map<string, number>();
    t.set(o.outcome, (t.get(o.outcome) ?? 0) + 1);
    summary.byTarget.set(mutation.target, t);
    summary.byOutcome.set(o.outcome, (summary.byOutcome.get(o.outcome) ?? 0) + 1);
    if (o.outcome === 'verified') {
      summary.falseVerified.push(o);
      if (!knownFinding(mutation)) summary.newFalseVerified.push(o);
    }
    options.onOutcome?.(o, summary.count);
  }
  summary.elapsedMs = Date.now() - t0;
  return summary;
}

const sortByCount = (m: Map<string, number>): [string, number][] =>
  [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

export function formatSummary(s: FuzzSummary): string {
  const lines: string[] = [];
  lines.push(
    `mutation fuzzing: ${s.count} mutations, seed ${JSON.stringify(s.seed)}, ${s.cases.length} real verified cases, ${(s.elapsedMs / 1000).toFixed(1)} s`,
  );
  lines.push('');
  lines.push('mutations per target (outcomes):');
  const targets = [...s.byTarget.entries()]
    .map(([t, m]) => [t, [...m.values()].reduce((a, b) => a + b, 0), m] as const)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const width = Math.max(...targets.map(([t]) => t.length), 10);
  for (const [t, n, m] of targets) {
    lines.push(
      `  ${t.padEnd(width)} ${String(n).padStart(6)}  ${sortByCount(m)
        .map(([o, k]) => `${o} ${k}`)
        .join(', ')}`,
    );
  }
  lines.push('');
  lines.push('outcomes by reason code:');
  for (const [o, n] of sortByCount(s.byOutcome)) lines.push(`  ${o.padEnd(44)} ${String(n).padStart(6)}`);
  if (s.avoided.size) {
    lines.push('');
    lines.push('candidates avoided (allow-listed unbound fields, drawn again):');
    for (const [r, n] of sortByCount(s.avoided)) lines.push(`  ${r.padEnd(44)} ${String(n).padStart(6)}`);
  }
  lines.push('');
  const known = s.falseVerified.length - s.newFalseVerified.length;
  lines.push(
    `false verified: ${s.newFalseVerified.length}${known ? ` (plus ${known} matching a known open finding, test/fuzz/findings.ts)` : ''}`,
  );
  const byFinding = new Map<string, number>();
  for (const f of s.falseVerified) {
    const k = knownFinding(f.mutation);
    if (k) byFinding.set(k.id, (byFinding.get(k.id) ?? 0) + 1);
  }
  for (const [id, n] of byFinding) lines.push(`  known open finding ${id}: ${n}`);
  for (const f of s.newFalseVerified.slice(0, 50)) {
    const m = f.mutation;
    lines.push(
      `  NEW #${m.index} case ${m.caseId}: ${m.target} ${m.op} — ${m.detail}  (replay: npm run fuzz -- --seed ${JSON.stringify(s.seed)} --only ${m.index})`,
    );
  }
  return lines.join('\n');
}
