import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { NPM_DEFAULT_MAXSOCKETS, RegistryClient, npmMaxSockets } from '../../../src/verify/registry/client';
import { startFixtureRegistry, type FixtureRegistry } from '../../fixture-registry';
import { generateWorld, type World } from '../../synthetic/world';
import { isolatedEnv, tempDir, testClient } from './helpers';

/** The client's speed levers: sockets as npm's maxsockets says, what goes to the disk cache, headerless responses. */
describe('registry client: sockets and HTTP cache policy', function () {
  this.timeout(30_000);
  let world: World;
  let registry: FixtureRegistry;
  let tmp: ReturnType<typeof tempDir>;
  const served = (pathPart: string) => registry.requests.filter((r) => decodeURIComponent(r.url).includes(pathPart)).length;

  before(async () => {
    world = await generateWorld({ count: 2, provenanceShare: 1, seed: 'cache-policy' });
    registry = await startFixtureRegistry({
      realworldDir: null,
      prefixes: [{ prefix: 'w', packages: world.fixturePackages, keys: world.data.registryKeys }],
    });
  });
  after(async () => registry?.close());
  beforeEach(() => {
    tmp = tempDir();
    registry.clearFaults();
    registry.requests.length = 0;
  });
  afterEach(() => tmp.cleanup());

  describe('sockets', () => {
    it("default to npm's maxsockets: 15 unless configured", () => {
      const client = testClient(`${registry.url}/w/`, tmp.dir);
      assert.equal(NPM_DEFAULT_MAXSOCKETS, 15);
      assert.equal(client.sockets, 15);
      assert.equal(testClient(`${registry.url}/w/`, tmp.dir, { concurrency: 4 }).sockets, 4, 'an explicit concurrency wins');
    });

    it('follow maxsockets from the .npmrc files (the last one that sets it wins) and npm_config_maxsockets', () => {
      const user = path.join(tmp.dir, 'user-npmrc');
      const global = path.join(tmp.dir, 'global-npmrc');
      fs.writeFileSync(global, 'maxsockets=3\n');
      fs.writeFileSync(user, 'maxsockets = 6\n');
      const env = { ...isolatedEnv(tmp.dir), NPM_CONFIG_USERCONFIG: user, NPM_CONFIG_GLOBALCONFIG: global };
      const client = new RegistryClient({ registry: `${registry.url}/w/`, useProjectNpmrc: false, env });
      assert.equal(client.sockets, 6);
      fs.writeFileSync(user, 'maxsockets=lots\n');
      assert.equal(
        new RegistryClient({ registry: `${registry.url}/w/`, useProjectNpmrc: false, env }).sockets,
        3,
        'an unusable value is ignored',
      );
      assert.equal(
        new RegistryClient({ registry: `${registry.url}/w/`, useProjectNpmrc: false, env: { ...env, npm_config_maxsockets: '9' } }).sockets,
        9,
      );
      assert.equal(npmMaxSockets({ files: [] }, {}), 15);
    });
  });

  describe('disk cache', () => {
    it('keeps version documents but never attestations (what they prove is kept as a verdict)', async () => {
      const c = world.data.packages[0]!;
      const cacheDir = path.join(tmp.dir, 'cache');
      const online = testClient(`${registry.url}/w/`, tmp.dir, { cacheDir });
      assert.ok(await online.getVersion(c.name, c.version));
      assert.ok(await online.getAttestations(c.name, c.version));
      const offline = testClient(`${registry.url}/w/`, tmp.dir, { cacheDir, offline: true });
      assert.equal((await offline.getVersion(c.name, c.version)).dist.integrity, c.integrity);
      await assert.rejects(offline.getAttestations(c.name, c.version), (err: { code?: string }) => err.code === 'offline');
    });

    it("a version document fetched with cache 'no-store' is neither read from nor written to the disk cache", async () => {
      const c = world.data.packages[1]!;
      const cacheDir = path.join(tmp.dir, 'cache');
      const client = testClient(`${registry.url}/w/`, tmp.dir, { cacheDir });
      await client.getVersion(c.name, c.version, { cache: 'no-store' });
      const offline = testClient(`${registry.url}/w/`, tmp.dir, { cacheDir, offline: true });
      await assert.rejects(offline.getVersion(c.name, c.version), (err: { code?: string }) => err.code === 'offline');
    });
  });

  describe('responses without caching headers (a mirror that sends none)', () => {
    const headerless = (c: World['data']['packages'][number]) => ({
      path: `/w/${c.name}/${c.version}`,
      status: 200,
      body: { ...c.versionDoc, dist: { integrity: c.integrity, shasum: c.versionDoc.dist.shasum, tarball: 'x' } },
    });

    it('are reused from the disk cache for a short while, by a new client too, instead of being fetched again', async () => {
      const c = world.data.packages[0]!;
      registry.fault(headerless(c));
      const cacheDir = path.join(tmp.dir, 'cache');
      await testClient(`${registry.url}/w/`, tmp.dir, { cacheDir }).getVersion(c.name, c.version);
      const again = await testClient(`${registry.url}/w/`, tmp.dir, { cacheDir }).getVersion(c.name, c.version);
      assert.equal(again.dist.integrity, c.integrity);
      assert.equal(served(`/w/${c.name}/${c.version}`), 1, 'one request for two clients');
    });

    it('are fetched again when the heuristic lifetime is 0, and documents with Cache-Control: no-cache are revalidated as before', async () => {
      const c = world.data.packages[0]!;
      registry.fault(headerless(c));
      const cacheDir = path.join(tmp.dir, 'cache');
      await testClient(`${registry.url}/w/`, tmp.dir, { cacheDir, heuristicFreshnessMs: 0 }).getVersion(c.name, c.version);
      await testClient(`${registry.url}/w/`, tmp.dir, { cacheDir, heuristicFreshnessMs: 0 }).getVersion(c.name, c.version);
      assert.equal(served(`/w/${c.name}/${c.version}`), 2);

      registry.clearFaults();
      registry.requests.length = 0;
      const d = world.data.packages[1]!; // the fixture registry sends ETag + Cache-Control: no-cache
      await testClient(`${registry.url}/w/`, tmp.dir, { cacheDir }).getVersion(d.name, d.version);
      await testClient(`${registry.url}/w/`, tmp.dir, { cacheDir }).getVersion(d.name, d.version);
      const statuses = registry.requests
        .filter((r) => decodeURIComponent(r.url).includes(`/w/${d.name}/${d.version}`))
        .map((r) => r.status);
      assert.deepEqual(statuses, [200, 304], 'revalidated with its ETag, not taken as fresh');
    });
  });

  describe('a registry host that cannot be reached', () => {
    it('is not asked again for a short while after it refused a connection; other hosts are unaffected; then it is asked again', async () => {
      const c = world.data.packages[0]!;
      const probe = net.createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const port = (probe.address() as net.AddressInfo).port;
      await new Promise<void>((resolve) => probe.close(() => resolve()));

      const client = testClient(`http://127.0.0.1:${port}/w/`, tmp.dir, { unreachableMemoryMs: 400, retry: { retries: 0 } });
      await assert.rejects(
        client.getVersion(c.name, c.version),
        (err: { code?: string; message: string }) => err.code === 'network-error' && /ECONNREFUSED/.test(err.message),
      );
      const late = await startFixtureRegistry({
        port,
        realworldDir: null,
        prefixes: [{ prefix: 'w', packages: world.fixturePackages, keys: world.data.registryKeys }],
      });
      try {
        // the host answers now, but this client remembers it refused a moment ago
        await assert.rejects(
          client.getVersion(c.name, c.version),
          (err: { code?: string; message: string }) => err.code === 'network-error' && /not retried for 0 s|not retried/.test(err.message),
        );
        assert.equal(late.requests.length, 0, 'no request reached the host');
        // another host is asked as usual
        assert.equal((await client.getVersion(c.name, c.version, { registry: `${registry.url}/w/` })).dist.integrity, c.integrity);
        // a client that does not remember asks at once
        const forgetful = testClient(`http://127.0.0.1:${port}/w/`, tmp.dir, { unreachableMemoryMs: 0 });
        assert.equal((await forgetful.getVersion(c.name, c.version)).dist.integrity, c.integrity);
        await new Promise((r) => setTimeout(r, 450));
        assert.equal((await client.getVersion(c.name, c.version)).dist.integrity, c.integrity, 'asked again after the memory ran out');
      } finally {
        await late.close();
      }
    });
  });
});
