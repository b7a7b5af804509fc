import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { type FixtureRegistry, realworld, startFixtureRegistry } from '../../fixture-registry';
import { syntheticPackage, tempDir, testClient } from './helpers';

async function getBuffer(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

describe('fixture registry serving the recorded real-world data', function () {
  const rw = realworld();
  let registry: FixtureRegistry | undefined;
  let tmp: ReturnType<typeof tempDir>;

  before(async function () {
    registry = await startFixtureRegistry();
  });
  after(async () => {
    await registry?.close();
  });
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('serves every case under /case/<id>/ with its own attestations, keys and version document', async () => {
    const r = registry!;
    assert.deepEqual(
      r.caseIds,
      rw!.cases.map((c) => c.id),
    );
    for (const c of rw!.cases) {
      const client = testClient(r.caseUrl(c.id), tmp.dir);
      const doc = await client.getVersion(c.name, c.version);
      assert.equal(doc.dist.integrity, c.integrity, c.id);
      assert.ok(doc.dist.attestations, c.id);
      if (c.registrySignatures) assert.deepEqual(doc.dist.signatures, c.registrySignatures, c.id);
      const att = await client.getAttestations(c.name, c.version);
      assert.deepEqual(att, rw!.readJson(c.attestations), c.id);
      const keys = await client.getKeys(r.caseUrl(c.id));
      assert.ok(
        keys?.keys.some(
          (k) => k.keyid === 'SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA' && k.expires === '2025-01-29T00:00:00.000Z',
        ),
      );
    }
  });

  it('serves the verified variant at the root when cases share a name@version', async () => {
    const client = testClient(`${registry!.url}/`, tmp.dir);
    const att = await client.getAttestations('gundam-visor', '1.0.1');
    const verified = rw!.cases.find((c) => c.name === 'gundam-visor' && c.expected === 'verified')!;
    assert.deepEqual(att, rw!.readJson(verified.attestations));
    const tampered = rw!.cases.find((c) => c.name === 'gundam-visor' && c.expected !== 'verified')!;
    assert.notDeepEqual(att, rw!.readJson(tampered.attestations));
  });

  it('serves recorded tarballs whose sha512 is the integrity', async () => {
    for (const c of rw!.cases.filter((x) => x.tarball)) {
      const doc = await testClient(registry!.caseUrl(c.id), tmp.dir).getVersion(c.name, c.version);
      assert.ok(doc.dist.tarball?.startsWith(registry!.caseUrl(c.id)), doc.dist.tarball);
      const { status, body } = await getBuffer(doc.dist.tarball!);
      assert.equal(status, 200, c.id);
      assert.equal(`sha512-${createHash('sha512').update(body).digest('base64')}`, c.integrity, c.id);
    }
  });

  it('serves the recorded nuxt packument, abbreviated and full', async () => {
    const client = testClient(`${registry!.url}/`, tmp.dir);
    const full = await client.getPackument('nuxt', { full: true });
    const abbreviated = await client.getPackument('nuxt');
    assert.ok(Object.keys(full.versions).length > 300);
    assert.equal(Object.keys(abbreviated.versions).length, Object.keys(full.versions).length);
    assert.equal(full.time?.['3.13.0'], '2024-08-22T16:06:35.380Z');
    assert.equal(abbreviated.time, undefined);
    const attested = Object.values(abbreviated.versions).filter((v) => v.dist.attestations).length;
    assert.ok(attested >= 40, `${attested} versions advertise attestations`);
    assert.ok(Object.values(abbreviated.versions).every((v) => v.dist.signatures?.length));
    assert.equal((await client.getAttestations('nuxt', '4.1.2'))?.attestations.length, 2);
    // attestations that were not recorded are a server error, never a 404 ("attestations missing")
    const other = Object.entries(full.versions).find(([v, d]) => d.dist.attestations && v !== '3.13.0' && v !== '4.1.2')![0];
    await assert.rejects(
      client.getAttestations('nuxt', other),
      (err: Error & { code?: string; status?: number }) => err.code === 'registry-error' && err.status === 501,
    );
  });

  it('derives a packument time for cases from the attestations transparency-log entries', async () => {
    const full = await testClient(`${registry!.url}/`, tmp.dir).getPackument('sigstore', { full: true });
    assert.match(full.time?.['1.0.0'] ?? '', /^2023-02-09T/);
  });

  it('serves versions recorded only with registry signatures, without attestations', async () => {
    const client = testClient(`${registry!.url}/`, tmp.dir);
    const entry = rw!.registrySignatures.find((s) => !rw!.cases.some((c) => c.name === s.name && c.version === s.version))!;
    const doc = await client.getVersion(entry.name, entry.version);
    assert.deepEqual(doc.dist.signatures, entry.signatures);
    assert.equal(doc.dist.attestations, undefined);
    assert.equal(await client.getAttestations(entry.name, entry.version), null);
  });

  it('/mirror/ strips signatures and attestations, and the client notices', async () => {
    const client = testClient(`${registry!.url}/mirror/`, tmp.dir);
    const doc = await client.getVersion('sigstore', '1.0.0');
    assert.equal(doc.dist.signatures, undefined);
    assert.equal(doc.dist.attestations, undefined);
    assert.equal(doc.dist.integrity, rw!.cases.find((c) => c.id === 'sigstore-1.0.0')!.integrity);
    await client.getPackument('nuxt');
    assert.equal(await client.getAttestations('sigstore', '1.0.0'), null);
    assert.equal(await client.getKeys(`${registry!.url}/mirror/`), null);
    const [obs] = client.observations();
    assert.equal(obs!.stripsProvenance, true);
    assert.ok(obs!.versionsSeen > 300);
  });

  it('answers If-None-Match with 304', async () => {
    const url = `${registry!.url}/sigstore/1.0.0`;
    const first = await getBuffer(url);
    const etag = first.headers.get('etag')!;
    assert.ok(etag);
    assert.equal(first.headers.get('cache-control'), 'no-cache');
    const second = await getBuffer(url, { 'if-none-match': etag });
    assert.equal(second.status, 304);
  });
});

describe('fixture registry without the real-world data', () => {
  it('still starts and serves extra packages', async () => {
    const registry = await startFixtureRegistry({
      realworldDir: path.join(__dirname, 'no-such-folder'),
      extra: [syntheticPackage('only', ['1.0.0'])],
    });
    const tmp = tempDir();
    try {
      assert.equal(registry.realworld, false);
      assert.deepEqual(registry.caseIds, []);
      const client = testClient(`${registry.url}/`, tmp.dir);
      assert.equal((await client.getVersion('only', '1.0.0')).version, '1.0.0');
      await assert.rejects(client.getVersion('sigstore', '1.0.0'), { code: 'not-found' });
      assert.ok((await client.getKeys(`${registry.url}/`))?.keys.length);
    } finally {
      tmp.cleanup();
      await registry.close();
    }
  });

  it('appends extraKeys to the root registry keys only', async () => {
    const extra = { keyid: 'SHA256:extra', key: 'MFkw', expires: null, keytype: 'ecdsa-sha2-nistp256', scheme: 'ecdsa-sha2-nistp256' };
    const registry = await startFixtureRegistry({ realworldDir: null, extraKeys: [extra] });
    try {
      const root = (await (await fetch(`${registry.url}/-/npm/v1/keys`)).json()) as { keys: { keyid: string }[] };
      assert.ok(root.keys.length > 1, 'the npm keys stay');
      assert.deepEqual(root.keys[root.keys.length - 1], extra);
      assert.equal((await fetch(`${registry.url}/mirror/-/npm/v1/keys`)).status, 404);
    } finally {
      await registry.close();
    }
  });
});
