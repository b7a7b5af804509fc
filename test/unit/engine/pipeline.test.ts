import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { bind, newContext, routeOf, runPipeline, STEPS, type PipelineServices, type Step } from '../../../src/verify/pipeline';
import { invalid } from '../../../src/verify/pipeline/error';
import type { Verdict } from '../../../src/verify/types';

const GOOD = `sha512-${createHash('sha512').update('good').digest('base64')}`;
const EVIL = `sha512-${createHash('sha512').update('evil').digest('base64')}`;
const REGISTRY = 'https://mirror.example.com/npm/';

describe('verification pipeline (src/verify/pipeline)', () => {
  it('is a list of small named steps', () => {
    const names = STEPS.map((s) => s.name);
    assert.equal(new Set(names).size, names.length);
    for (const expected of [
      'request',
      'trust',
      'version document',
      'lockfile binding',
      'mirror fallback',
      'keys',
      'attestations',
      'registry endorsement',
      'facts',
    ]) {
      assert.ok(names.includes(expected), expected);
    }
  });

  describe('routeOf: where the installer fetches a lockfile URL from', () => {
    it('the configured registry, or a public-registry host the installer rewrites to it', () => {
      assert.deepEqual(routeOf(undefined, REGISTRY), { kind: 'registry' });
      assert.deepEqual(routeOf('https://mirror.example.com/npm/a/-/a-1.0.0.tgz', REGISTRY), { kind: 'registry' });
      assert.deepEqual(routeOf('https://registry.npmjs.org/a/-/a-1.0.0.tgz', REGISTRY), { kind: 'registry' });
      assert.deepEqual(routeOf('https://registry.yarnpkg.com/a/-/a-1.0.0.tgz', REGISTRY), { kind: 'registry' });
    });
    it('any other host is a remote tarball, whatever its path looks like', () => {
      assert.deepEqual(routeOf('https://evil.example/npm/a/-/a-1.0.0.tgz', REGISTRY), { kind: 'remote', host: 'evil.example' });
      assert.deepEqual(routeOf('https://mirror.example.com:8443/npm/a/-/a-1.0.0.tgz', REGISTRY), {
        kind: 'remote',
        host: 'mirror.example.com:8443',
      });
      assert.deepEqual(routeOf('https://registry.npmjs.org.evil.example/a/-/a-1.0.0.tgz', REGISTRY).kind, 'remote');
      assert.equal(routeOf('file:../a.tgz', REGISTRY).kind, 'remote');
      assert.equal(routeOf('not a url', REGISTRY).kind, 'remote');
    });
  });

  describe('bind: a registry verdict applied to a lockfile request', () => {
    const verified: Verdict = { name: 'a', version: '1.0.0', status: 'verified', integrity: GOOD, registry: REGISTRY, cached: true };
    const ctx = (request: Partial<Parameters<typeof newContext>[0]>) => {
      const c = newContext({ name: 'a', version: '1.0.0', resolvedFrom: 'lockfile', ...request }, REGISTRY);
      c.route = routeOf(c.request.resolved, REGISTRY);
      return c;
    };
    it('stands when the lockfile pins the signed sha512, and carries the request fields', () => {
      const v = bind(ctx({ integrity: GOOD, location: 'node_modules/a', resolved: 'https://evil.example/a.tgz' }), verified);
      assert.equal(v.status, 'verified');
      assert.equal(v.location, 'node_modules/a');
      assert.equal(v.resolved, 'https://evil.example/a.tgz');
    });
    it("a lockfile without integrity never gets verified on the registry's say-so", () => {
      const v = bind(ctx({}), verified);
      assert.equal(v.status, 'unavailable');
      assert.equal(v.reason?.code, 'lockfile-integrity-missing');
      assert.equal(v.facts, undefined);
      assert.equal(bind(ctx({ resolved: 'https://evil.example/a.tgz' }), verified).reason?.code, 'remote-tarball-unpinned');
    });
    it('other bytes, or more than one tarball, are invalid', () => {
      assert.equal(bind(ctx({ integrity: EVIL }), verified).reason?.code, 'lockfile-integrity-mismatch');
      assert.equal(bind(ctx({ integrity: `${GOOD} ${EVIL}` }), verified).reason?.code, 'ambiguous-integrity');
    });
    it('without a lockfile the registry verdict stands', () => {
      const c = newContext({ name: 'a', version: '1.0.0', resolvedFrom: 'cli' }, REGISTRY);
      assert.equal(bind(c, verified).status, 'verified');
    });
  });

  it('turns every failure into a verdict in one place, and never caches a request-only finding', async () => {
    const sets: Verdict[] = [];
    const services = {
      cache: { set: async (_k: unknown, v: Verdict) => void sets.push(v) },
      log: { warn() {}, error() {} },
    } as unknown as PipelineServices;
    const boom: Step = {
      name: 'boom',
      run: () => {
        throw new Error('kaput');
      },
    };
    const c1 = newContext({ name: 'a', version: '1.0.0' }, REGISTRY);
    const v1 = await runPipeline(services, c1, [boom]);
    assert.equal(v1.reason?.code, 'internal-error');
    const c2 = newContext({ name: 'a', version: '1.0.0', integrity: EVIL }, REGISTRY);
    c2.scope = 'scope';
    const v2 = await runPipeline(services, c2, [
      {
        name: 'x',
        run: (_s, c) => {
          c.integrity = GOOD;
          throw invalid('lockfile-integrity-mismatch', 'm', { scope: 'request' });
        },
      },
    ]);
    assert.equal(v2.status, 'invalid');
    assert.equal(sets.length, 0);
    const c3 = newContext({ name: 'a', version: '1.0.0' }, REGISTRY);
    c3.scope = 'scope';
    const v3 = await runPipeline(services, c3, [
      {
        name: 'y',
        run: (_s, c) => {
          c.integrity = GOOD;
          throw invalid('attestations-missing', 'gone');
        },
      },
    ]);
    assert.equal(v3.reason?.code, 'attestations-missing');
    assert.equal(v3.integrity, GOOD);
    assert.equal(sets.length, 1);
  });
});
