/**
 * Trust-history fixtures for the editor's tests: the real nuxt packument (test/fixtures/realworld, 377
 * versions; 3.19.0–3.19.2 published through trusted publishing) with versions added the way a downgrade
 * would look, and a FakeEngine that serves it, judged by the real TrustHistory service.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { serviceFor, type TrustService } from '../../../src/providers/state/trust';
import type { TrustAssessment } from '../../../src/verify/history/types';
import type { Policy } from '../../../src/verify/policy/types';
import type { Verdict } from '../../../src/verify/types';
import { REALWORLD_DIR } from '../../support/realworld';
import { FakeEngine } from './fakeEngine';
import { facts } from './fixtures';

type Doc = { versions: Record<string, Record<string, unknown>>; time: Record<string, string> };

export const REGISTRY = 'https://registry.npmjs.org/';

/**
 * nuxt's real packument, plus (when asked) 3.19.3 published by a maintainer's token without provenance
 * (a downgrade from trusted publishing) and 3.19.4 published through trusted publishing again.
 */
export function nuxtPackument(options: { downgrade?: boolean; restored?: boolean; deprecate?: string[] } = {}): Doc {
  const doc = JSON.parse(fs.readFileSync(path.join(REALWORLD_DIR, 'packuments', 'nuxt.json'), 'utf8')) as Doc;
  const base = doc.versions['3.19.2']!;
  if (options.downgrade) {
    const dist = { ...(base.dist as Record<string, unknown>) };
    delete dist.attestations;
    doc.versions['3.19.3'] = {
      ...structuredClone(base),
      version: '3.19.3',
      dist,
      _npmUser: { name: 'danielroe', email: 'daniel@roe.dev' },
    };
    doc.time['3.19.3'] = '2025-09-20T00:00:00.000Z';
  }
  if (options.restored) {
    doc.versions['3.19.4'] = { ...structuredClone(base), version: '3.19.4' };
    doc.time['3.19.4'] = '2025-09-25T00:00:00.000Z';
  }
  for (const v of options.deprecate ?? []) doc.versions[v]!.deprecated = 'do not use';
  return doc;
}

export function nuxtVerified(version: string): Omit<Verdict, 'name' | 'version'> {
  return {
    status: 'verified',
    registry: REGISTRY,
    registrySignature: { status: 'valid', message: 'ok' },
    facts: facts({
      sourceRepository: 'https://github.com/nuxt/nuxt',
      ref: `refs/tags/v${version}`,
      workflowPath: '.github/workflows/release.yml',
    }),
  };
}

export function nuxtUnattested(): Omit<Verdict, 'name' | 'version'> {
  return {
    status: 'no-provenance',
    registry: REGISTRY,
    reason: { code: 'not-advertised', message: 'Published without attestations.' },
    registrySignature: { status: 'valid', message: 'ok' },
  };
}

export const verdictOf = (name: string, version: string, v: Omit<Verdict, 'name' | 'version'>): Verdict =>
  ({ name, version, ...v }) as Verdict;

/** A FakeEngine serving the nuxt packument, with these verdicts (others: no provenance). */
export function nuxtEngine(doc: Doc, verdicts: Record<string, Omit<Verdict, 'name' | 'version'>>): FakeEngine {
  const engine = new FakeEngine(verdicts, {
    nuxt: Object.entries(doc.versions).map(([version, d]) => ({
      version,
      hasAttestations: Boolean((d.dist as { attestations?: unknown }).attestations),
      deprecated: typeof d.deprecated === 'string',
    })),
  });
  engine.packuments.nuxt = doc;
  return engine;
}

export const NOW = () => new Date('2025-10-01T00:00:00Z');

/** The real trust-history service over a fake engine. */
export function service(engine: FakeEngine, policy?: Policy): TrustService {
  return serviceFor(engine, { now: NOW, ...(policy ? { policy } : {}) });
}

/** nuxt@3.19.3 (no provenance, published by danielroe after 3.19.0–3.19.2 had trusted publishing), judged. */
export async function downgradeAssessment(policy?: Policy): Promise<{ verdict: Verdict; assessment: TrustAssessment; engine: FakeEngine }> {
  const engine = nuxtEngine(nuxtPackument({ downgrade: true }), { 'nuxt@3.19.2': nuxtVerified('3.19.2') });
  const verdict = verdictOf('nuxt', '3.19.3', nuxtUnattested());
  const assessment = await service(engine, policy).assess(verdict, { history: true });
  return { verdict, assessment, engine };
}

/** nuxt@3.19.2 (verified, trusted publishing), judged. */
export async function verifiedAssessment(): Promise<{ verdict: Verdict; assessment: TrustAssessment }> {
  const engine = nuxtEngine(nuxtPackument(), { 'nuxt@3.19.2': nuxtVerified('3.19.2'), 'nuxt@3.19.1': nuxtVerified('3.19.1') });
  const verdict = verdictOf('nuxt', '3.19.2', nuxtVerified('3.19.2'));
  return { verdict, assessment: await service(engine).assess(verdict, { history: true }) };
}
