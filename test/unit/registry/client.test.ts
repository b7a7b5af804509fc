import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { RegistryClient, RegistryError, type RetryInfo } from '../../../src/verify/registry';
import { type FixtureRegistry, startFixtureRegistry } from '../../fixture-registry';
import { isolatedEnv, syntheticPackage, tempDir, testClient } from './helpers';

async function rejectsWith(p: Promise<unknown>, code: string, messagePattern?: RegExp): Promise<RegistryError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof RegistryError, `expected a RegistryError, got ${String(err)}`);
    assert.equal(err.code, code, `${err.code}: ${err.message}`);
    if (messagePattern) assert.match(err.message, messagePattern);
    return err;
  }
  assert.fail(`expected RegistryError ${code}, but it resolved`);
}

/** Resolves once the server has received `count` requests (no timing assumptions). */
async function waitForRequests(registry: FixtureRegistry, count: number): Promise<void> {
  while (registry.requests.length < count) await new Promise((r) => setTimeout(r, 5));
}

describe('registry client against the fixture registry', function () {
  let registry: FixtureRegistry;
  let tmp: ReturnType<typeof tempDir>;

  before(async function () {
    registry = await startFixtureRegistry({
      realworldDir: null,
      extra: [
        syntheticPackage('alpha', ['1.0.0', '1.1.0', '2.0.0-beta.1']),
        syntheticPackage('@scope/pkg', ['0.1.0']),
        syntheticPackage('plain', ['3.0.0'], { signed: false, attested: false }),
        syntheticPackage('signed-only', ['1.0.0'], { attested: false }),
      ],
    });
  });
  after(async () => {
    await registry.close();
  });
  beforeEach(() => {
    tmp = tempDir();
    registry.clearFaults();
    registry.requests.length = 0;
  });
  afterEach(() => tmp.cleanup());

  const root = (): string => `${registry.url}/`;

  describe('documents', () => {
    it('fetches a version document with GET /<name>/<version> and validates it', async () => {
      const client = testClient(root(), tmp.dir);
      const doc = await client.getVersion('alpha', '1.0.0');
      assert.equal(doc.name, 'alpha');
      assert.equal(doc.version, '1.0.0');
      assert.match(doc.dist.integrity!, /^sha512-/);
      assert.equal(doc.dist.tarball, `${registry.url}/alpha/-/alpha-1.0.0.tgz`);
      assert.equal(doc.dist.signatures?.length, 1);
      assert.equal(doc.dist.attestations?.url, `${registry.url}/-/npm/v1/attestations/alpha@1.0.0`);
      assert.deepEqual(
        registry.requests.map((r) => r.url),
        ['/alpha/1.0.0'],
      );
      assert.equal(registry.requests[0]!.headers.accept, 'application/json');
    });

    it("with Node's core agents (the editor's mode) fetches the same documents, with keep-alive and the concurrency cap", async () => {
      const client = testClient(root(), tmp.dir, { agent: 'node', concurrency: 2 });
      const docs = await Promise.all(['1.0.0', '1.1.0', '2.0.0-beta.1'].map((v) => client.getVersion('alpha', v)));
      assert.deepEqual(
        docs.map((d) => d.version),
        ['1.0.0', '1.1.0', '2.0.0-beta.1'],
      );
      assert.ok(registry.stats.maxActive <= 2, `at most 2 at once, saw ${registry.stats.maxActive}`);
      assert.equal(registry.requests[0]!.headers.connection, 'keep-alive');
      assert.equal(await client.getAttestations('plain', '3.0.0'), null);
    });

    it('escapes scoped names as npm does', async () => {
      const client = testClient(root(), tmp.dir);
      const doc = await client.getVersion('@scope/pkg', '0.1.0');
      assert.equal(doc.name, '@scope/pkg');
      const att = await client.getAttestations('@scope/pkg', '0.1.0');
      assert.equal(att?.attestations.length, 1);
      assert.deepEqual(
        registry.requests.map((r) => r.url),
        ['/@scope%2fpkg/0.1.0', '/-/npm/v1/attestations/@scope%2fpkg@0.1.0'],
      );
    });

    it('asks for the abbreviated packument by default and the full one (with time) on request', async () => {
      const client = testClient(root(), tmp.dir);
      const abbreviated = await client.getPackument('alpha');
      assert.equal(abbreviated.abbreviated, true);
      assert.equal(abbreviated.time, undefined);
      assert.deepEqual(Object.keys(abbreviated.versions).sort(), ['1.0.0', '1.1.0', '2.0.0-beta.1']);
      assert.equal(abbreviated['dist-tags'].latest, '1.1.0');
      const full = await client.getPackument('alpha', { full: true });
      assert.equal(full.abbreviated, false);
      assert.equal(full.time?.['1.0.0'], '2024-05-01T00:00:00.000Z');
      assert.match(String(registry.requests[0]!.headers.accept), /application\/vnd\.npm\.install-v1\+json/);
      assert.equal(registry.requests[1]!.headers.accept, 'application/json');
    });

    it('returns attestations on 200 and null on 404', async () => {
      const client = testClient(root(), tmp.dir);
      const att = await client.getAttestations('alpha', '1.0.0');
      assert.equal(att?.attestations[0]?.predicateType, 'https://slsa.dev/provenance/v1');
      assert.equal(await client.getAttestations('plain', '3.0.0'), null);
    });

    it('asks the registry it is told to for attestations', async () => {
      const client = testClient('http://127.0.0.1:9/', tmp.dir);
      const att = await client.getAttestations('alpha', '1.0.0', { registry: root() });
      assert.equal(att?.attestations.length, 1);
    });

    it('a missing package or version is not-found', async () => {
      const client = testClient(root(), tmp.dir);
      const err = await rejectsWith(client.getVersion('alpha', '9.9.9'), 'not-found');
      assert.equal(err.status, 404);
      await rejectsWith(client.getPackument('no-such-package'), 'not-found');
      await rejectsWith(client.getVersion('Not A Name', '1.0.0'), 'not-found', /not a valid package name/);
    });

    it('reads the keys endpoint once per registry, and null where there is none', async () => {
      const withKeys = await startFixtureRegistry({
        realworldDir: null,
        prefixes: [
          {
            prefix: 'private',
            packages: [],
            keys: {
              keys: [{ keyid: 'SHA256:abc', key: 'MFkw', expires: null, keytype: 'ecdsa-sha2-nistp256', scheme: 'ecdsa-sha2-nistp256' }],
            },
          },
        ],
      });
      try {
        const client = testClient(`${withKeys.url}/`, tmp.dir);
        const keys = await client.getKeys(`${withKeys.url}/private/`);
        assert.equal(keys?.keys[0]?.keyid, 'SHA256:abc');
        assert.equal(keys?.keys[0]?.expires, null);
        await client.getKeys(`${withKeys.url}/private`);
        assert.equal(withKeys.requests.filter((r) => r.url === '/private/-/npm/v1/keys').length, 1);
        assert.equal(await client.getKeys(`${withKeys.url}/mirror/`), null);
      } finally {
        await withKeys.close();
      }
    });
  });

  describe('hostile answers', () => {
    it('non-JSON is malformed-response', async () => {
      registry.fault({ path: '/alpha/1.0.0', nonJson: true });
      await rejectsWith(testClient(root(), tmp.dir).getVersion('alpha', '1.0.0'), 'malformed-response', /not JSON/);
    });

    it('a document for another package, or with a malformed dist, is malformed-response', async () => {
      const client = testClient(root(), tmp.dir);
      registry.fault({ path: '/alpha/1.0.0', status: 200, body: { name: 'evil', version: '1.0.0', dist: {} } });
      await rejectsWith(client.getVersion('alpha', '1.0.0'), 'malformed-response', /"evil"/);
      registry.fault({
        path: '/alpha/1.1.0',
        status: 200,
        body: { name: 'alpha', version: '1.1.0', dist: { integrity: 'sha512-x', signatures: 'all good' } },
      });
      await rejectsWith(client.getVersion('alpha', '1.1.0'), 'malformed-response', /signatures/);
      registry.fault({ path: '/-/npm/v1/attestations/alpha@1.0.0', status: 200, body: { attestations: [{ predicateType: 1 }] } });
      await rejectsWith(client.getAttestations('alpha', '1.0.0'), 'malformed-response', /predicateType/);
    });

    it('an enormous body is refused without being parsed (chunked and with Content-Length)', async () => {
      const client = testClient(root(), tmp.dir);
      registry.fault({ path: '/-/npm/v1/attestations/alpha@1.0.0', hugeBodyBytes: 6 * 1024 * 1024, times: 1 });
      await rejectsWith(client.getAttestations('alpha', '1.0.0'), 'malformed-response', /larger than 5 MB/);
      registry.fault({ path: '/-/npm/v1/attestations/alpha@1.0.0', hugeBodyBytes: 6 * 1024 * 1024, hugeBodyContentLength: true, times: 1 });
      await rejectsWith(client.getAttestations('alpha', '1.0.0'), 'malformed-response', /larger than 5 MB/);
      const small = testClient(root(), tmp.dir, { limits: { packumentBytes: 1000 } });
      registry.fault({ path: '/alpha', hugeBodyBytes: 100_000, times: 1 });
      await rejectsWith(small.getPackument('alpha'), 'malformed-response', /larger than/);
    });

    it('a redirect to another host is refused and nothing is sent there', async () => {
      const other = await startFixtureRegistry({ realworldDir: null, extra: [syntheticPackage('alpha', ['1.0.0'])] });
      try {
        registry.fault({ path: '/alpha/1.0.0', redirectTo: `${other.url}/alpha/1.0.0` });
        await rejectsWith(testClient(root(), tmp.dir).getVersion('alpha', '1.0.0'), 'registry-error', /redirected to another host/);
        assert.equal(other.requests.length, 0);
      } finally {
        await other.close();
      }
    });

    it('a redirect within the same origin is followed', async () => {
      registry.fault({ path: '/alpha/1.0.0', redirectTo: '/mirror/alpha/1.0.0' });
      const doc = await testClient(root(), tmp.dir).getVersion('alpha', '1.0.0');
      assert.equal(doc.version, '1.0.0');
      assert.deepEqual(
        registry.requests.map((r) => r.url),
        ['/alpha/1.0.0', '/mirror/alpha/1.0.0'],
      );
    });
  });

  describe('status codes, retries and timeouts', () => {
    it('retries a 429 after the Retry-After it was given', async () => {
      const retries: RetryInfo[] = [];
      registry.fault({ path: '/alpha/1.0.0', status: 429, headers: { 'retry-after': '1' }, times: 1 });
      const client = testClient(root(), tmp.dir, { onRetry: (i) => retries.push(i) });
      const doc = await client.getVersion('alpha', '1.0.0');
      assert.equal(doc.version, '1.0.0');
      assert.equal(retries.length, 1);
      assert.equal(retries[0]!.status, 429);
      assert.equal(retries[0]!.retryAfter, '1');
      assert.equal(retries[0]!.delayMs, 1000);
      assert.deepEqual(
        registry.requests.map((r) => r.status),
        [429, 200],
      );
    });

    it('does not wait for a Retry-After longer than it allows: rate-limited at once', async () => {
      registry.fault({ path: '/alpha/1.0.0', status: 429, headers: { 'retry-after': '3600' } });
      const err = await rejectsWith(testClient(root(), tmp.dir).getVersion('alpha', '1.0.0'), 'rate-limited', /retry after 3600 s/);
      assert.equal(err.status, 429);
      assert.equal(registry.requests.length, 1);
    });

    it('keeps being rate limited: rate-limited after the retries', async () => {
      registry.fault({ path: '/alpha/1.0.0', status: 429 });
      await rejectsWith(testClient(root(), tmp.dir, { retry: { retries: 2 } }).getVersion('alpha', '1.0.0'), 'rate-limited');
      assert.equal(registry.requests.length, 3);
    });

    it('retries 503s with backoff and succeeds', async () => {
      const retries: RetryInfo[] = [];
      registry.fault({ path: '/alpha/1.0.0', status: 503, times: 2 });
      const doc = await testClient(root(), tmp.dir, { retry: { retries: 3 }, onRetry: (i) => retries.push(i) }).getVersion(
        'alpha',
        '1.0.0',
      );
      assert.equal(doc.version, '1.0.0');
      assert.deepEqual(
        retries.map((r) => r.status),
        [503, 503],
      );
      assert.equal(registry.requests.length, 3);
    });

    it('gives up on persistent 500s with registry-error', async () => {
      registry.fault({ path: '/alpha/1.0.0', status: 500 });
      const err = await rejectsWith(
        testClient(root(), tmp.dir, { retry: { retries: 2 } }).getVersion('alpha', '1.0.0'),
        'registry-error',
        /HTTP 500/,
      );
      assert.equal(err.status, 500);
      assert.equal(registry.requests.length, 3);
    });

    it('does not retry other 4xx', async () => {
      registry.fault({ path: '/alpha/1.0.0', status: 418 });
      await rejectsWith(testClient(root(), tmp.dir).getVersion('alpha', '1.0.0'), 'registry-error', /HTTP 418/);
      assert.equal(registry.requests.length, 1);
    });

    it('401 and 403 are auth-required', async () => {
      registry.fault({ path: '/alpha/1.0.0', status: 401 });
      await rejectsWith(testClient(root(), tmp.dir).getVersion('alpha', '1.0.0'), 'auth-required', /no credentials are configured/);
      registry.fault({ path: '/alpha/1.1.0', status: 403 });
      await rejectsWith(testClient(root(), tmp.dir).getVersion('alpha', '1.1.0'), 'auth-required');
    });

    it('a registry that does not answer in time is timeout', async () => {
      registry.fault({ path: '/alpha/1.0.0', delayMs: 5000 });
      await rejectsWith(testClient(root(), tmp.dir, { timeoutMs: 200 }).getVersion('alpha', '1.0.0'), 'timeout');
    });

    it('a refused connection is network-error', async () => {
      const port = await new Promise<number>((resolve) => {
        const s = http.createServer();
        s.listen(0, '127.0.0.1', () => {
          const p = (s.address() as AddressInfo).port;
          s.close(() => resolve(p));
        });
      });
      const retries: RetryInfo[] = [];
      const client = testClient(`http://127.0.0.1:${port}/`, tmp.dir, { onRetry: (i) => retries.push(i) });
      const err = await rejectsWith(client.getVersion('alpha', '1.0.0'), 'network-error', /ECONNREFUSED/);
      assert.equal(err.status, undefined);
      assert.equal(retries.length, 0, 'a refused connection fails fast');
    });

    it('a dropped connection is retried', async () => {
      registry.fault({ path: '/alpha/1.0.0', destroySocket: true, times: 1 });
      const doc = await testClient(root(), tmp.dir).getVersion('alpha', '1.0.0');
      assert.equal(doc.version, '1.0.0');
    });

    it('credentials in a registry URL never appear in errors', async () => {
      const withCreds = `http://user:s3cret@127.0.0.1:${registry.port}/`;
      const err = await rejectsWith(testClient(withCreds, tmp.dir).getVersion('alpha', '9.9.9'), 'not-found');
      assert.ok(!err.url.includes('s3cret'), err.url);
      assert.ok(!err.message.includes('s3cret'), err.message);
    });
  });

  describe('cancellation', () => {
    it('an AbortSignal cancels a request in flight', async () => {
      registry.fault({ path: '/alpha/1.0.0', delayMs: 10_000 });
      const controller = new AbortController();
      const p = testClient(root(), tmp.dir).getVersion('alpha', '1.0.0', { signal: controller.signal });
      await waitForRequests(registry, 1);
      controller.abort();
      await rejectsWith(p, 'cancelled');
    });

    it('an aborted signal sends nothing', async () => {
      const controller = new AbortController();
      controller.abort();
      await rejectsWith(testClient(root(), tmp.dir).getPackument('alpha', { signal: controller.signal }), 'cancelled');
      assert.equal(registry.requests.length, 0);
    });

    it('a cancelled backoff wait ends the request', async () => {
      registry.fault({ path: '/alpha/1.0.0', status: 503, headers: { 'retry-after': '30' } });
      const controller = new AbortController();
      const p = testClient(root(), tmp.dir).getVersion('alpha', '1.0.0', { signal: controller.signal });
      await waitForRequests(registry, 1);
      controller.abort();
      await rejectsWith(p, 'cancelled');
    });

    it('concurrent identical requests share one HTTP request; one caller cancelling does not cancel the other', async () => {
      registry.fault({ path: '/alpha/1.0.0', delayMs: 300, times: 1 });
      const client = testClient(root(), tmp.dir);
      const controller = new AbortController();
      const a = client.getVersion('alpha', '1.0.0', { signal: controller.signal });
      const b = client.getVersion('alpha', '1.0.0');
      await waitForRequests(registry, 1);
      controller.abort();
      await rejectsWith(a, 'cancelled');
      assert.equal((await b).version, '1.0.0');
      assert.equal(registry.requests.length, 1);
    });
  });

  describe('concurrency', () => {
    it('keeps at most `concurrency` requests in flight per registry', async () => {
      const slow = await startFixtureRegistry({
        realworldDir: null,
        latencyMs: 30,
        extra: [
          syntheticPackage(
            'many',
            Array.from({ length: 12 }, (_, i) => `1.0.${i}`),
          ),
        ],
      });
      try {
        const client = testClient(`${slow.url}/`, tmp.dir, { concurrency: 3 });
        const docs = await Promise.all(Array.from({ length: 12 }, (_, i) => client.getVersion('many', `1.0.${i}`)));
        assert.equal(docs.length, 12);
        assert.ok(slow.stats.maxActive <= 3, `max in flight ${slow.stats.maxActive}`);
      } finally {
        await slow.close();
      }
    });
  });

  describe('HTTP cache and offline mode', () => {
    it('revalidates with the ETag: the second request sends If-None-Match, gets 304 and is served from the cache', async () => {
      const cacheDir = `${tmp.dir}/cache`;
      const client = testClient(root(), tmp.dir, { cacheDir });
      const first = await client.getVersion('alpha', '1.0.0');
      const again = testClient(root(), tmp.dir, { cacheDir });
      const second = await again.getVersion('alpha', '1.0.0');
      assert.deepEqual(second, first);
      assert.equal(registry.requests.length, 2);
      const [r1, r2] = registry.requests;
      assert.equal(r1!.headers['if-none-match'], undefined);
      assert.equal(r1!.status, 200);
      assert.ok(r2!.headers['if-none-match'], 'second request is conditional');
      assert.equal(r2!.status, 304);
    });

    it('offline: served from the cache without any request; not cached is offline', async () => {
      const cacheDir = `${tmp.dir}/cache`;
      await testClient(root(), tmp.dir, { cacheDir }).getVersion('alpha', '1.0.0');
      registry.requests.length = 0;
      const offline = testClient(root(), tmp.dir, { cacheDir, offline: true });
      assert.equal((await offline.getVersion('alpha', '1.0.0')).version, '1.0.0');
      await rejectsWith(offline.getVersion('alpha', '1.1.0'), 'offline');
      await rejectsWith(testClient(root(), tmp.dir, { offline: true }).getVersion('alpha', '1.0.0'), 'offline', /no cache folder/);
      assert.equal(registry.requests.length, 0);
    });
  });

  describe('mirror detection', () => {
    it('a registry whose versions carry neither signatures nor attestations strips provenance', async () => {
      const client = testClient(`${registry.url}/mirror/`, tmp.dir);
      await client.getVersion('alpha', '1.0.0');
      await client.getVersion('@scope/pkg', '0.1.0');
      assert.equal(await client.getAttestations('alpha', '1.0.0'), null);
      assert.equal(await client.getKeys(`${registry.url}/mirror/`), null);
      const [obs] = client.observations();
      assert.equal(obs!.registry, `${registry.url}/mirror/`);
      assert.equal(obs!.stripsProvenance, true);
      assert.equal(obs!.versionsSeen, 2);
      assert.equal(obs!.versionsWithSignatures, 0);
      assert.equal(obs!.versionsWithAttestations, 0);
      assert.match(
        obs!.message!,
        /served 2 versions and none carried registry signatures or attestations: it looks like a mirror or proxy that strips provenance.*Fix: set the attestation registry/,
      );
    });

    it('mentions the attestation registry when one is set', async () => {
      const client = testClient(`${registry.url}/mirror/`, tmp.dir, { attestationRegistry: 'https://registry.npmjs.org' });
      await client.getPackument('alpha');
      const [obs] = client.observations();
      assert.equal(obs!.versionsSeen, 3);
      assert.match(obs!.message!, /looked up at the attestation registry https:\/\/registry\.npmjs\.org\//);
    });

    it('a registry that signs is not a stripping mirror, even for unsigned packages', async () => {
      const client = testClient(root(), tmp.dir);
      await client.getVersion('plain', '3.0.0');
      await client.getVersion('signed-only', '1.0.0');
      const [obs] = client.observations();
      assert.equal(obs!.stripsProvenance, false);
      assert.equal(obs!.versionsWithSignatures, 1);
      assert.equal(obs!.versionsWithAttestations, 0);
      assert.equal(obs!.message, undefined);
    });
  });
});

describe('registry client and .npmrc auth (two registries)', function () {
  let pub: FixtureRegistry;
  let priv: FixtureRegistry;
  let tmp: ReturnType<typeof tempDir>;

  before(async () => {
    pub = await startFixtureRegistry({ realworldDir: null, extra: [syntheticPackage('alpha', ['1.0.0'])] });
    priv = await startFixtureRegistry({ realworldDir: null, extra: [syntheticPackage('@corp/secret', ['1.0.0'])] });
  });
  after(async () => {
    await pub.close();
    await priv.close();
  });
  beforeEach(() => {
    tmp = tempDir();
    pub.requests.length = 0;
    priv.requests.length = 0;
    pub.clearFaults();
    priv.clearFaults();
  });
  afterEach(() => tmp.cleanup());

  function writeProject(npmrc: string): string {
    const project = `${tmp.dir}/project`;
    fs.mkdirSync(project, { recursive: true });
    fs.writeFileSync(`${project}/package.json`, '{"name":"p","version":"1.0.0"}');
    fs.writeFileSync(`${project}/.npmrc`, npmrc);
    return project;
  }

  it('routes a scope to its registry and sends its token only there', async () => {
    const project = writeProject(
      [`registry=${pub.url}/`, `@corp:registry=${priv.url}/`, `//127.0.0.1:${priv.port}/:_authToken=\${CORP_TOKEN}`, ''].join('\n'),
    );
    const client = new RegistryClient({
      npmrcDir: project,
      attestationRegistry: '',
      env: isolatedEnv(tmp.dir, { CORP_TOKEN: 'corp-secret-token' }),
    });
    assert.equal(client.registryFor('@corp/secret'), `${priv.url}/`);
    assert.equal(client.registryFor('alpha'), `${pub.url}/`);
    await client.getVersion('@corp/secret', '1.0.0');
    await client.getVersion('alpha', '1.0.0');
    await client.getAttestations('@corp/secret', '1.0.0');
    await client.getKeys(`${pub.url}/`);
    assert.ok(priv.requests.length >= 2);
    for (const r of priv.requests) assert.equal(r.headers.authorization, 'Bearer corp-secret-token', r.url);
    assert.ok(pub.requests.length >= 2);
    for (const r of pub.requests) assert.equal(r.headers.authorization, undefined, r.url);
  });

  it('a redirect from the private registry to another port is not followed, so the token stays', async () => {
    const project = writeProject([`@corp:registry=${priv.url}/`, `//127.0.0.1:${priv.port}/:_authToken=tok`, ''].join('\n'));
    priv.fault({ path: '/@corp/secret/1.0.0', redirectTo: `${pub.url}/alpha/1.0.0` });
    const client = new RegistryClient({ npmrcDir: project, attestationRegistry: '', env: isolatedEnv(tmp.dir), retry: { minDelayMs: 1 } });
    await rejectsWith(client.getVersion('@corp/secret', '1.0.0'), 'registry-error', /redirected to another host/);
    assert.equal(pub.requests.length, 0);
  });

  it('a refused token is reported as such', async () => {
    const project = writeProject([`@corp:registry=${priv.url}/`, `//127.0.0.1:${priv.port}/:_authToken=bad`, ''].join('\n'));
    priv.fault({ path: '/@corp/secret/1.0.0', status: 401 });
    const client = new RegistryClient({ npmrcDir: project, attestationRegistry: '', env: isolatedEnv(tmp.dir) });
    await rejectsWith(client.getVersion('@corp/secret', '1.0.0'), 'auth-required', /credentials were refused/);
  });

  it('username/_password auth is sent as Basic to its registry only', async () => {
    const project = writeProject(
      [
        `registry=${pub.url}/`,
        `@corp:registry=${priv.url}/`,
        `//127.0.0.1:${priv.port}/:username=alice`,
        `//127.0.0.1:${priv.port}/:_password=${Buffer.from('pw').toString('base64')}`,
        '',
      ].join('\n'),
    );
    const client = new RegistryClient({ npmrcDir: project, attestationRegistry: '', env: isolatedEnv(tmp.dir) });
    await client.getVersion('@corp/secret', '1.0.0');
    await client.getVersion('alpha', '1.0.0');
    assert.equal(priv.requests[0]!.headers.authorization, `Basic ${Buffer.from('alice:pw').toString('base64')}`);
    assert.equal(pub.requests[0]!.headers.authorization, undefined);
  });

  it('useProjectNpmrc: false ignores the project .npmrc', async () => {
    const project = writeProject([`registry=${priv.url}/`, `//127.0.0.1:${priv.port}/:_authToken=tok`, ''].join('\n'));
    const client = new RegistryClient({ npmrcDir: project, useProjectNpmrc: false, env: isolatedEnv(tmp.dir) });
    assert.equal(client.registryFor('alpha'), 'https://registry.npmjs.org/');
  });
});

/** A request handler that forwards each request to `upstream(req)` and streams the answer back. */
function forwarding(upstream: (req: http.IncomingMessage) => string): http.RequestListener {
  return (req, res) => {
    const forwarded = http.request(upstream(req), { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    forwarded.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forwarded);
  };
}

/** `<root>/project` with an empty package.json and the given .npmrc. */
function projectWithNpmrc(root: string, npmrc: string): string {
  const dir = `${root}/project`;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(`${dir}/package.json`, '{}');
  fs.writeFileSync(`${dir}/.npmrc`, npmrc);
  return dir;
}

describe('registry client and .npmrc proxy settings', function () {
  let target: FixtureRegistry;
  let proxy: http.Server;
  let proxied: string[];
  let tmp: ReturnType<typeof tempDir>;

  before(async () => {
    target = await startFixtureRegistry({ realworldDir: null, extra: [syntheticPackage('alpha', ['1.0.0'])] });
    // a minimal forward proxy for http:// URLs (absolute-form requests)
    const forward = forwarding((req) => String(req.url));
    proxy = http.createServer((req, res) => {
      proxied.push(String(req.url));
      req.headers.connection = 'close';
      forward(req, res);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await target.close();
    proxy.closeAllConnections();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });
  beforeEach(() => {
    tmp = tempDir();
    proxied = [];
  });
  afterEach(() => tmp.cleanup());

  const project = (npmrc: string): string => projectWithNpmrc(tmp.dir, npmrc);

  it('sends requests through the configured proxy', async () => {
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`;
    const dir = project(`registry=${target.url}/\nproxy=${proxyUrl}\n`);
    const client = new RegistryClient({ npmrcDir: dir, attestationRegistry: '', env: isolatedEnv(tmp.dir) });
    assert.equal((await client.getVersion('alpha', '1.0.0')).version, '1.0.0');
    assert.deepEqual(proxied, [`${target.url}/alpha/1.0.0`]);
  });

  it('bypasses the proxy for noproxy hosts', async () => {
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`;
    const dir = project(`registry=${target.url}/\nproxy=${proxyUrl}\nnoproxy=127.0.0.1\n`);
    const client = new RegistryClient({ npmrcDir: dir, attestationRegistry: '', env: isolatedEnv(tmp.dir) });
    assert.equal((await client.getVersion('alpha', '1.0.0')).version, '1.0.0');
    assert.deepEqual(proxied, []);
  });
});

describe('registry client over https (.npmrc cafile and strict-ssl)', function () {
  let target: FixtureRegistry;
  let tls: https.Server;
  let served: string[];
  let tmp: ReturnType<typeof tempDir>;
  const tlsDir = path.join(__dirname, '../../fixtures/tls');

  before(async () => {
    target = await startFixtureRegistry({ realworldDir: null, extra: [syntheticPackage('alpha', ['1.0.0', '1.1.0'])] });
    // an https front for the fixture registry, with a self-signed loopback certificate
    const forward = forwarding((req) => `${target.url}${req.url}`);
    tls = https.createServer(
      { key: fs.readFileSync(`${tlsDir}/localhost.key`), cert: fs.readFileSync(`${tlsDir}/localhost.crt`) },
      (req, res) => {
        served.push(String(req.url));
        forward(req, res);
      },
    );
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await target.close();
    tls.closeAllConnections();
    await new Promise<void>((resolve) => tls.close(() => resolve()));
  });
  beforeEach(() => {
    tmp = tempDir();
    served = [];
  });
  afterEach(() => tmp.cleanup());

  const project = (npmrc: string): string => projectWithNpmrc(tmp.dir, npmrc);
  const registryUrl = () => `https://127.0.0.1:${(tls.address() as AddressInfo).port}/`;

  it('fetches over https with the CA from cafile, several requests on the same agent', async () => {
    const dir = project(`registry=${registryUrl()}\ncafile=${tlsDir}/localhost.crt\n`);
    const client = new RegistryClient({ npmrcDir: dir, attestationRegistry: '', env: isolatedEnv(tmp.dir), timeoutMs: 5000 });
    const [a, b] = await Promise.all([client.getVersion('alpha', '1.0.0'), client.getVersion('alpha', '1.1.0')]);
    assert.equal(a.version, '1.0.0');
    assert.equal(b.version, '1.1.0');
    assert.deepEqual(served.sort(), ['/alpha/1.0.0', '/alpha/1.1.0']);
  });

  it('refuses a certificate it cannot verify (no cafile), and strict-ssl=false accepts it, as npm does', async () => {
    const strict = new RegistryClient({
      npmrcDir: project(`registry=${registryUrl()}\n`),
      attestationRegistry: '',
      env: isolatedEnv(tmp.dir),
      timeoutMs: 5000,
      retry: { retries: 0 },
    });
    await assert.rejects(strict.getVersion('alpha', '1.0.0'));
    assert.deepEqual(served, []);
    const lax = new RegistryClient({
      npmrcDir: project(`registry=${registryUrl()}\nstrict-ssl=false\n`),
      attestationRegistry: '',
      env: isolatedEnv(tmp.dir),
      timeoutMs: 5000,
    });
    assert.equal((await lax.getVersion('alpha', '1.0.0')).version, '1.0.0');
  });
});
