import { strict as assert } from 'node:assert';
import { runDocument } from '../../../src/providers/state/run';
import { findSuggestion } from '../../../src/verify/suggest';
import { dependencyKey, type DocumentState } from '../../../src/providers/state/documentState';
import { EngineHost } from '../../../src/providers/engine/host';
import { FakeEngine } from './fakeEngine';
import { facts } from './fixtures';

const TEXT = JSON.stringify(
  { dependencies: { a: '^1.0.0', b: '2.0.0', g: 'git+https://example.com/g.git' }, devDependencies: { c: '~3.0.0' } },
  null,
  2,
);

function newState(): DocumentState {
  return { uri: 'file:///w/package.json', fsPath: '/w/package.json', docVersion: 1, running: false, deps: new Map() };
}

describe('verification run', () => {
  it('fills a verdict for every dependency, verifying visible (higher priority) ones first', async () => {
    const engine = new FakeEngine({
      'a@1.0.0': { status: 'verified', facts: facts() },
      'c@3.0.0': { status: 'invalid', reason: { code: 'subject-digest-mismatch', message: 'x' } },
    });
    const state = newState();
    const updates: number[] = [];
    await runDocument(state, {
      engine,
      text: TEXT,
      ignore: [],
      signal: new AbortController().signal,
      priority: (d) => (d.name === 'c' ? 0 : 1),
      onUpdate: (s) => updates.push(s.deps.size),
    });
    assert.equal(engine.verifyCalls[0].name, 'c');
    assert.equal(state.running, false);
    assert.equal(state.deps.get(dependencyKey('dependencies', 'a'))?.verdict?.status, 'verified');
    assert.equal(state.deps.get(dependencyKey('dependencies', 'b'))?.verdict?.status, 'no-provenance');
    assert.equal(state.deps.get(dependencyKey('dependencies', 'g'))?.verdict?.status, 'not-applicable');
    assert.equal(state.deps.get(dependencyKey('devDependencies', 'c'))?.verdict?.status, 'invalid');
    assert.ok(updates.length >= 4);
  });

  it('marks ignored packages not-applicable without verifying them', async () => {
    const engine = new FakeEngine({});
    const state = newState();
    await runDocument(state, { engine, text: TEXT, ignore: ['a'], signal: new AbortController().signal });
    const a = state.deps.get(dependencyKey('dependencies', 'a'))?.verdict;
    assert.equal(a?.status, 'not-applicable');
    assert.equal(a?.reason?.code, 'ignored');
    assert.ok(!engine.verifyCalls.some((r) => r.name === 'a'));
  });

  it('keeps settled verdicts of unchanged versions and re-verifies unavailable ones', async () => {
    const first = new FakeEngine({
      'a@1.0.0': { status: 'verified', facts: facts() },
      'b@2.0.0': { status: 'unavailable', reason: { code: 'timeout', message: 't' } },
    });
    const previous = newState();
    await runDocument(previous, { engine: first, text: TEXT, ignore: [], signal: new AbortController().signal });
    const second = new FakeEngine({ 'b@2.0.0': { status: 'verified', facts: facts() } });
    const state = newState();
    await runDocument(state, { engine: second, text: TEXT, ignore: [], signal: new AbortController().signal, previous });
    assert.ok(!second.verifyCalls.some((r) => r.name === 'a'), 'a was verified again');
    assert.ok(
      second.verifyCalls.some((r) => r.name === 'b'),
      'b (unavailable) was not retried',
    );
    assert.equal(state.deps.get(dependencyKey('dependencies', 'b'))?.verdict?.status, 'verified');
  });

  it('records a failing resolution as an error instead of throwing', async () => {
    const engine = new FakeEngine({});
    const state = newState();
    await runDocument(state, { engine, text: '{ not json', ignore: [], signal: new AbortController().signal });
    assert.equal(state.running, false);
    assert.ok(state.error);
  });

  it('stops quietly when cancelled', async () => {
    const engine = new FakeEngine({});
    const controller = new AbortController();
    controller.abort();
    const state = newState();
    await runDocument(state, { engine, text: TEXT, ignore: [], signal: controller.signal });
    assert.equal(engine.verifyCalls.length, 0);
  });
});

describe('suggestions', () => {
  const versions = [
    { version: '1.6.0', hasAttestations: false },
    { version: '1.5.0', hasAttestations: true },
    { version: '1.4.0', hasAttestations: true },
    { version: '1.3.0', hasAttestations: false },
    { version: '2.0.0', hasAttestations: true },
  ];

  it('proposes the highest verified version in range and finds the newest verified overall', async () => {
    const engine = new FakeEngine(
      {
        'p@1.5.0': { status: 'invalid', reason: { code: 'invalid-provenance-signature', message: 'bad' } },
        'p@1.4.0': { status: 'verified', facts: facts() },
        'p@2.0.0': { status: 'verified', facts: facts() },
      },
      { p: versions },
    );
    const s = await findSuggestion(engine, { registryName: 'p', range: '^1.3.0', current: '1.6.0' });
    assert.equal(s.fix?.version, '1.4.0');
    assert.equal(s.newestVerified?.version, '2.0.0');
    assert.equal(s.attestedCount, 3);
  });

  it('asks for nothing more when no version advertises attestations', async () => {
    const engine = new FakeEngine({}, { q: [{ version: '1.0.0', hasAttestations: false }] });
    const s = await findSuggestion(engine, { registryName: 'q', range: '^1.0.0', current: '1.0.0' });
    assert.equal(s.attestedCount, 0);
    assert.equal(s.fix, undefined);
    assert.equal(engine.verifyCalls.length, 0);
  });
});

describe('engine host', () => {
  it('creates engines on demand, one per folder, and drops them on reset', () => {
    const made: string[] = [];
    const host = new EngineHost(
      () => ({ offline: true }),
      (options) => {
        made.push(options.npmrcDir ?? '');
        assert.equal(options.offline, true);
        return new FakeEngine({});
      },
      2,
    );
    assert.equal(made.length, 0);
    const a = host.get('/a');
    assert.equal(host.get('/a'), a);
    host.get('/b');
    host.get('/c');
    assert.deepEqual(made, ['/a', '/b', '/c']);
    assert.equal(host.all().length, 2);
    host.reset();
    assert.equal(host.all().length, 0);
  });
});
