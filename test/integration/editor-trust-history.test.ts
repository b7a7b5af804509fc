import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findLineFix, lineFixFor } from '../../src/providers/codeActions/trust';
import { trustBadge, trustHoverLines } from '../../src/providers/format/trust';
import { dependencyKey, type DocumentState } from '../../src/providers/state/documentState';
import { runDocument } from '../../src/providers/state/run';
import { serviceFor, TrustTracker } from '../../src/providers/state/trust';
import { ProvenanceEngine } from '../../src/verify/engine';
import { startFixtureRegistry, type FixtureRegistry } from '../fixture-registry';
import { generateSyntheticData, toFixturePackages } from '../synthetic/generate';

/**
 * The editor's trust history with the real engine, over the loopback fixture registry: the demo's
 * synth-evolving (1.0.0 verified from synth-org, 1.1.0 without provenance, 1.2.0 verified from a fork)
 * judged in the background as an open package.json would be.
 */
describe('editor trust history with the real engine (fixture registry)', function () {
  let registry: FixtureRegistry;
  let work: string;
  let engine: ProvenanceEngine;

  before(async () => {
    const data = await generateSyntheticData({ seed: 'provenance-lens-editor-history' });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-editor-history-'));
    const trustedRoot = path.join(work, 'trusted_root.json');
    fs.writeFileSync(trustedRoot, JSON.stringify(data.trustedRoot));
    registry = await startFixtureRegistry({
      prefixes: [{ prefix: 'synthetic', packages: toFixturePackages(data), keys: data.registryKeys }],
    });
    engine = new ProvenanceEngine({
      registry: `${registry.url}/synthetic/`,
      attestationRegistry: '',
      trustedRootPath: trustedRoot,
      npmrcDir: work,
      useProjectNpmrc: false,
      refreshTrust: false,
    });
  });
  /** An open package.json with synth-evolving at `spec`, verified and its trust history judged, as the editor does. */
  async function judge(spec: string) {
    const text = JSON.stringify({ dependencies: { 'synth-evolving': spec } }, null, 2);
    const manifest = path.join(work, 'package.json');
    fs.writeFileSync(manifest, text);
    const service = serviceFor(engine);
    const tracker = new TrustTracker({
      enabled: () => true,
      scopeFor: async () => ({ service, engine, policy: { errors: [], applied: false } }),
      notify: () => {},
    });
    const state: DocumentState = { uri: 'file://' + manifest, fsPath: manifest, docVersion: 1, running: false, deps: new Map() };
    await runDocument(state, { engine, text, ignore: [], signal: new AbortController().signal, onUpdate: (s) => tracker.track(s) });
    await tracker.idle();
    return { manifest, service, tracker, dep: state.deps.get(dependencyKey('dependencies', 'synth-evolving'))! };
  }

  after(async () => {
    await engine?.dispose();
    await registry?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('synth-evolving@1.1.0: provenance lost since 1.0.0 in the badge, the finding, and a fix to 1.0.0 rather than the fork-built 1.2.0', async () => {
    registry.requests.length = 0;
    const { manifest, service, tracker, dep } = await judge('1.1.0');
    assert.equal(dep.verdict?.status, 'no-provenance', JSON.stringify(dep.verdict));
    const a = dep.trust?.assessment;
    assert.ok(a?.history, JSON.stringify(dep.trust));
    const lost = a.findings.find((f) => f.code === 'provenance-lost');
    assert.equal(lost?.previous?.version, '1.0.0');
    assert.equal(
      lost?.previous?.verification,
      'verified',
      'the earlier evidence was verified cryptographically before the finding was raised',
    );
    assert.equal(trustBadge(dep.verdict, dep.trust, 'full', '1.1.0')?.text, '⚠ provenance lost since 1.0.0');
    const hover = trustHoverLines(dep.verdict!, dep.trust)
      .join('\n')
      .replace(/\\([!-/:-@[-`{-~])/g, '$1');
    assert.match(hover, /- \*\*Line\*\* \(the registry’s record\): provenance since 1\.0\.0 \(1 earlier version\)/);
    assert.match(hover, /- ⚠ \*\*error\*\* \[provenance-lost\]/);
    // The full packument was fetched once, after the verdict.
    const fulls = registry.requests.filter((q) => q.url.endsWith('/synth-evolving') && !String(q.headers.accept).includes('install-v1'));
    assert.equal(fulls.length, 1, registry.requests.map((q) => `${q.url} ${String(q.headers.accept)}`).join('\n'));

    const fix = await tracker.lineFix(manifest, dep);
    assert.equal(fix?.version, '1.0.0', '1.2.0 verifies too, but was built from synth-fork/synth-evolving');
    assert.equal(fix?.sameSource, true);
    const located = {
      section: 'dependencies' as const,
      name: 'synth-evolving',
      spec: '1.1.0',
      nameSpan: dep.dependency.nameSpan,
      specSpan: dep.dependency.specSpan,
    };
    assert.equal(lineFixFor(located, dep, fix!)?.title, 'Use 1.0.0 — keeps provenance in 1.x');
    // without the line's source to compare with, the fork's version would be the newest keeping provenance
    const history = await service.history('synth-evolving', dep.verdict!.registry);
    const unchecked = await findLineFix({
      history,
      current: '1.1.0',
      lost: 'provenance',
      verify: (v) => engine.verify({ name: 'synth-evolving', version: v, resolvedFrom: 'registry' }),
    });
    assert.equal(unchecked?.version, '1.2.0');
    assert.equal(lineFixFor(located, dep, unchecked!)?.title, 'Use 1.2.0 — keeps provenance in 1.x (built from synth-fork/synth-evolving)');
  });

  it('synth-evolving@1.2.0: verified, but built from a fork of the line: the badge says so instead of a plain ✓', async () => {
    const { dep } = await judge('1.2.0');
    assert.equal(dep.verdict?.status, 'verified', JSON.stringify(dep.verdict));
    const moved = dep.trust?.assessment?.findings.find((f) => f.code === 'source-repository-changed');
    assert.equal(moved?.severity, 'error', JSON.stringify(dep.trust));
    assert.equal(moved?.previous?.version, '1.0.0');
    assert.deepEqual(trustBadge(dep.verdict, dep.trust, 'full', '1.2.0'), {
      status: 'verified',
      text: '⚠ source repository changed since 1.0.0',
      mark: 'downgrade',
    });
    assert.deepEqual(trustBadge(dep.verdict, dep.trust, 'compact', '1.2.0'), { status: 'verified', text: '⚠', mark: 'downgrade' });
    // a policy that turns the finding off leaves the verdict's own badge
    const off = { ...dep.trust!, assessment: { ...dep.trust!.assessment!, findings: [{ ...moved!, severity: 'off' as const }] } };
    assert.equal(trustBadge(dep.verdict, off, 'full', '1.2.0'), undefined);
  });
});
