import { strict as assert } from 'node:assert';
import { dependencyKey, type DocumentState, type TrustPolicyStatus } from '../../../src/providers/state/documentState';
import { runDocument } from '../../../src/providers/state/run';
import { TrustTracker, type TrustScope } from '../../../src/providers/state/trust';
import { parsePolicy } from '../../../src/verify/policy';
import type { Policy } from '../../../src/verify/policy/types';
import type { FakeEngine } from './fakeEngine';
import { nuxtEngine, nuxtPackument, nuxtUnattested, nuxtVerified, REGISTRY, service } from './trustFixtures';

const TEXT = JSON.stringify({ dependencies: { nuxt: '^3.19.3', 'left-pad': '1.3.0', gitdep: 'git+https://github.com/a/b.git' } }, null, 2);
const NO_POLICY: TrustPolicyStatus = { errors: [], applied: false };

function newState(): DocumentState {
  return { uri: 'file:///w/package.json', fsPath: '/w/package.json', docVersion: 1, running: false, deps: new Map() };
}

function setup(options: { policy?: Policy; enabled?: boolean; deprecate?: string[]; concurrency?: number } = {}) {
  const engine = nuxtEngine(nuxtPackument({ downgrade: true, deprecate: options.deprecate ?? [] }), {
    'nuxt@3.19.3': nuxtUnattested(),
    'nuxt@3.19.2': nuxtVerified('3.19.2'),
    'nuxt@3.19.1': nuxtVerified('3.19.1'),
  });
  const svc = service(engine, options.policy);
  const notified: string[] = [];
  let policy: { status: TrustPolicyStatus; policy?: Policy } = {
    status: options.policy ? { errors: [], applied: true, path: '/w/.provenance-lens.json' } : NO_POLICY,
    ...(options.policy ? { policy: options.policy } : {}),
  };
  let enabled = options.enabled ?? true;
  let failScope: Error | undefined;
  const tracker = new TrustTracker({
    enabled: () => enabled,
    scopeFor: async (): Promise<TrustScope> => {
      if (failScope) throw failScope;
      return { service: svc, engine, policy: policy.status, ...(policy.policy ? { rules: policy.policy } : {}) };
    },
    notify: (uri) => notified.push(uri),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
  return {
    engine,
    tracker,
    notified,
    setPolicy: (p: Policy | undefined) => (policy = { status: p ? { errors: [], applied: true } : NO_POLICY, ...(p ? { policy: p } : {}) }),
    setEnabled: (e: boolean) => (enabled = e),
    failScopes: (err: Error) => (failScope = err),
  };
}

/** One verification run whose every state change is handed to the tracker, as the editor does. */
async function verify(engine: FakeEngine, tracker: TrustTracker, previous?: DocumentState): Promise<DocumentState> {
  const state = newState();
  if (previous) state.deps = previous.deps;
  await runDocument(state, {
    engine,
    text: TEXT,
    ignore: [],
    signal: new AbortController().signal,
    ...(previous ? { previous } : {}),
    onUpdate: (s) => tracker.track(s),
  });
  return state;
}

const depOf = (state: DocumentState, name: string) => state.deps.get(dependencyKey('dependencies', name))!;

describe('trust history tracker (editor, background)', () => {
  it('starts only after the run’s verdicts are in, and only for registry dependencies that were verified or unattested', async () => {
    const { engine, tracker, notified } = setup();
    let seenDuringFetch: { running: boolean; pending: string[] } | undefined;
    const fetch = engine.fetchPackument.bind(engine);
    const state = newState();
    engine.fetchPackument = async (name, o) => {
      seenDuringFetch ??= {
        running: state.running,
        pending: [...state.deps.values()].filter((d) => !d.verdict).map((d) => d.dependency.name),
      };
      return fetch(name, o);
    };
    await runDocument(state, { engine, text: TEXT, ignore: [], signal: new AbortController().signal, onUpdate: (s) => tracker.track(s) });
    await tracker.idle();
    assert.deepEqual(seenDuringFetch, { running: false, pending: [] }, 'every verdict was in before the first packument was fetched');
    assert.deepEqual(engine.packumentCalls.map((c) => c.name).sort(), ['left-pad', 'nuxt'], 'no packument for the git dependency');
    assert.equal(engine.packumentCalls.find((c) => c.name === 'nuxt')?.registry, REGISTRY, 'asked of the registry the verdict came from');
    const nuxt = depOf(state, 'nuxt').trust;
    assert.equal(nuxt?.state, 'done');
    assert.equal(nuxt?.id, 'nuxt@3.19.3');
    assert.deepEqual(
      nuxt?.assessment?.findings.map((f) => [f.code, f.severity, f.previous?.version]),
      [['trusted-publisher-lost', 'error', '3.19.2']],
    );
    // left-pad's packument is not served: a note, no finding, no failure
    const leftPad = depOf(state, 'left-pad').trust;
    assert.equal(leftPad?.assessment?.history, false);
    assert.match(leftPad?.assessment?.notes.join(' ') ?? '', /The history of left-pad could not be read \(GET left-pad: 404 Not Found\)/);
    assert.equal(depOf(state, 'gitdep').trust, undefined);
    assert.ok(notified.includes(state.uri));
    assert.deepEqual(state.trustPolicy, NO_POLICY);
  });

  it('a new run of the same versions gets the results at once, without fetching again', async () => {
    const { engine, tracker } = setup();
    const first = await verify(engine, tracker);
    await tracker.idle();
    const calls = engine.packumentCalls.length;
    const second = newState();
    // the edit is being verified: nothing new starts, settled histories are attached as soon as the verdicts are
    await runDocument(second, {
      engine,
      text: TEXT,
      ignore: [],
      signal: new AbortController().signal,
      previous: first,
      onUpdate: (s) => tracker.track(s),
    });
    assert.equal(depOf(second, 'nuxt').trust?.state, 'done');
    assert.equal(engine.packumentCalls.length, calls);
  });

  it('switched off: nothing is fetched and earlier results are taken off', async () => {
    const off = setup({ enabled: false });
    const state = await verify(off.engine, off.tracker);
    await off.tracker.idle();
    assert.deepEqual(off.engine.packumentCalls, []);
    assert.equal(depOf(state, 'nuxt').trust, undefined);
    const on = setup();
    const s2 = await verify(on.engine, on.tracker);
    await on.tracker.idle();
    on.setEnabled(false);
    on.tracker.track(s2);
    assert.equal(depOf(s2, 'nuxt').trust, undefined);
  });

  it('a policy change judges the open file again with the new severities (the packuments already read are kept)', async () => {
    const { engine, tracker, setPolicy, notified } = setup();
    const state = await verify(engine, tracker);
    await tracker.idle();
    const nuxtCalls = () => engine.packumentCalls.filter((c) => c.name === 'nuxt').length;
    assert.equal(nuxtCalls(), 1);
    setPolicy(parsePolicy('{"severity":{"trusted-publisher-lost":"warning"}}').policy);
    notified.length = 0;
    tracker.invalidate();
    assert.equal(depOf(state, 'nuxt').trust?.state, 'pending');
    await tracker.idle();
    assert.equal(depOf(state, 'nuxt').trust?.assessment?.findings[0]?.severity, 'warning');
    assert.deepEqual(state.trustPolicy, { errors: [], applied: true });
    assert.ok(notified.includes(state.uri));
    assert.equal(nuxtCalls(), 1, 'nuxt’s packument is not fetched again (left-pad’s, which failed, is asked for again)');
  });

  it('a scope that cannot be set up becomes a note on each dependency, never an exception', async () => {
    const { engine, tracker, failScopes } = setup();
    failScopes(new Error('engine failed to load'));
    const state = await verify(engine, tracker);
    await tracker.idle();
    assert.deepEqual(depOf(state, 'nuxt').trust, {
      id: 'nuxt@3.19.3',
      state: 'done',
      note: 'trust history unavailable: engine failed to load',
    });
  });

  it('judges a few histories at a time', async () => {
    const { engine, tracker } = setup({ concurrency: 2 });
    let inFlight = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const fetch = engine.fetchPackument.bind(engine);
    engine.fetchPackument = async (name, o) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise<void>((resolve) => release.push(resolve));
      inFlight--;
      return fetch(name, o);
    };
    const text = JSON.stringify({ dependencies: { a: '1.0.0', b: '1.0.0', c: '1.0.0', d: '1.0.0', e: '1.0.0' } });
    const state = newState();
    await runDocument(state, { engine, text, ignore: [], signal: new AbortController().signal, onUpdate: (s) => tracker.track(s) });
    const done = tracker.idle();
    while ([...state.deps.values()].some((d) => d.trust?.state !== 'done')) {
      await new Promise((resolve) => setImmediate(resolve));
      release.shift()?.();
    }
    await done;
    assert.equal(most, 2);
    assert.equal(engine.packumentCalls.length, 5);
  });

  it('finds the quick fix’s version through the engine, skipping versions the registry marks deprecated', async () => {
    const plain = setup();
    const s1 = await verify(plain.engine, plain.tracker);
    await plain.tracker.idle();
    assert.equal((await plain.tracker.lineFix(s1.fsPath, depOf(s1, 'nuxt')))?.version, '3.19.2');
    assert.equal(await plain.tracker.lineFix(s1.fsPath, depOf(s1, 'left-pad')), undefined, 'no downgrade, no fix');
    const deprecated = setup({ deprecate: ['3.19.2'] });
    const s2 = await verify(deprecated.engine, deprecated.tracker);
    await deprecated.tracker.idle();
    assert.equal((await deprecated.tracker.lineFix(s2.fsPath, depOf(s2, 'nuxt')))?.version, '3.19.1');
  });

  it('judges with the folder policy its scope carries, whatever another folder last set on the shared service', async () => {
    const engine = nuxtEngine(nuxtPackument({ downgrade: true, deprecate: [] }), {
      'nuxt@3.19.3': nuxtUnattested(),
      'nuxt@3.19.2': nuxtVerified('3.19.2'),
      'nuxt@3.19.1': nuxtVerified('3.19.1'),
    });
    const svc = service(engine);
    const warning = parsePolicy('{"severity":{"trusted-publisher-lost":"warning"}}').policy!;
    const off = parsePolicy('{"severity":{"trusted-publisher-lost":"off"}}').policy!;
    const tracker = new TrustTracker({
      enabled: () => true,
      scopeFor: async (): Promise<TrustScope> => {
        svc.setPolicy(off); // another folder's policy, set on the service this folder shares
        return { service: svc, engine, policy: { errors: [], applied: true }, rules: warning };
      },
      notify: () => undefined,
    });
    const state = await verify(engine, tracker);
    await tracker.idle();
    assert.equal(depOf(state, 'nuxt').trust?.assessment?.findings[0]?.severity, 'warning');
  });
});
