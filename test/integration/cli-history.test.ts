import { strict as assert } from 'node:assert';
import { sign } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFixtureRegistry, type FixtureRegistry } from '../fixture-registry';
import { generateSyntheticData, toFixturePackages, type SyntheticData } from '../synthetic/generate';
import { deriveKeyPair } from '../synthetic/pki';
import { REALWORLD_DIR } from '../support/realworld';
import { fixtureRegistryArgs, runCli } from './cli-run';

/**
 * Trust history through the CLI, the real engine and the loopback fixture registry: nuxt's real recorded
 * packument (with one forged version added), and synthetic versions signed by a private Sigstore.
 */
describe('CLI trust history (verify --history) against the fixture registry', function () {
  let data: SyntheticData;
  let registry: FixtureRegistry;
  let trustedRoot: string;
  let work: string;

  before(async () => {
    data = await generateSyntheticData({ seed: 'provenance-lens-history' });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-history-'));
    trustedRoot = path.join(work, 'trusted_root.json');
    fs.writeFileSync(trustedRoot, JSON.stringify(data.trustedRoot));
    // nuxt@3.19.99 as a publish with a stolen token would look: registry-signed, no attestations, no trusted
    // publisher, published by a maintainer account. Signed with the synthetic registry key (the root registry
    // publishes it beside npm's real keys), since npm's own key is not ours to use.
    const nuxt = JSON.parse(fs.readFileSync(path.join(REALWORLD_DIR, 'packuments', 'nuxt.json'), 'utf8')) as {
      versions: Record<string, Record<string, unknown>>;
    };
    const base = nuxt.versions['3.19.2']!;
    const dist = { ...(base.dist as Record<string, unknown>) };
    delete dist.attestations;
    const integrity = String(dist.integrity);
    const key = deriveKeyPair(data.seed, 'npm/current', 'P-256');
    dist.signatures = [
      { keyid: data.keyIds.current, sig: sign('sha256', Buffer.from(`nuxt@3.19.99:${integrity}`), key.privateKey).toString('base64') },
    ];
    const forged = { ...base, version: '3.19.99', _id: 'nuxt@3.19.99', dist, _npmUser: { name: 'danielroe', email: 'daniel@roe.dev' } };
    registry = await startFixtureRegistry({
      extra: [{ name: 'nuxt', versions: { '3.19.99': { versionDoc: forged } } }],
      extraKeys: data.registryKeys.keys.filter((k) => k.keyid === data.keyIds.current),
      prefixes: [{ prefix: 'synthetic', packages: toFixturePackages(data), keys: data.registryKeys }],
    });
  });
  after(async () => {
    await registry?.close();
  });

  it('nuxt: a 3.x version without provenance after 3.19.x is trusted-publisher-lost (3.19.2 unchecked); 2.18.1 and 3.11.0 raise nothing', async () => {
    const r = await runCli(
      [
        'verify',
        '--history',
        '--json',
        '--cache',
        '',
        '--attestation-registry',
        '',
        '--registry',
        `${registry.url}/`,
        'nuxt@3.19.99',
        'nuxt@2.18.1',
        'nuxt@3.11.0',
      ],
      work,
    );
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as {
      results: {
        version: string;
        status: string;
        registrySignature?: { status: string };
        trust: {
          level: string;
          publisher?: string;
          line: string;
          findings: {
            code: string;
            severity: string;
            message: string;
            previous?: { version: string; publisher?: string; verification: string };
          }[];
        };
      }[];
    };
    const [forged, old2, old3] = out.results;
    assert.equal(forged!.status, 'no-provenance', JSON.stringify(forged));
    assert.equal(forged!.registrySignature?.status, 'valid');
    assert.equal(forged!.trust.level, 'registry-signature');
    assert.equal(forged!.trust.publisher, 'danielroe');
    assert.equal(forged!.trust.line, '3.x');
    const f = forged!.trust.findings.find((x) => x.code === 'trusted-publisher-lost');
    assert.ok(f, JSON.stringify(forged!.trust));
    assert.equal(f.severity, 'error');
    assert.equal(f.previous?.version, '3.19.2');
    assert.equal(f.previous?.publisher, 'GitHub Actions');
    assert.equal(f.previous?.verification, 'unavailable', '3.19.2 has no recorded attestations: its evidence cannot be checked');
    assert.match(f.message, /danielroe/);
    assert.match(f.message, /could not be checked/);
    for (const v of [old2!, old3!]) {
      assert.equal(v.status, 'no-provenance', `${v.version}: ${JSON.stringify(v)}`);
      assert.deepEqual(v.trust.findings, [], `${v.version}`);
    }
    // The history came from nuxt's full packument (the only package asked for).
    const fulls = registry.requests.filter((q) => q.url === '/nuxt' && !String(q.headers.accept).includes('install-v1'));
    assert.ok(fulls.length >= 1);
  });

  it('synthetic: a version built from another repository raises source-repository-changed naming both; one without provenance after a verified one, provenance-lost', async () => {
    const common = fixtureRegistryArgs(`${registry.url}/synthetic/`, trustedRoot);
    const r = await runCli(
      ['verify', '--history', '--json', ...common, 'synth-evolving@1.2.0', 'synth-evolving@1.1.0', 'synth-evolving@2.0.0'],
      work,
    );
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as {
      results: {
        version: string;
        status: string;
        trust: {
          findings: { code: string; message: string; previous?: { version: string; verification: string; sourceRepository?: string } }[];
        };
      }[];
    };
    const [v12, v11, v20] = out.results;
    assert.equal(v12!.status, 'verified');
    const changed = v12!.trust.findings.find((f) => f.code === 'source-repository-changed');
    assert.ok(changed, JSON.stringify(v12!.trust));
    assert.match(changed.message, /synth-fork\/synth-evolving/);
    assert.match(changed.message, /synth-org\/synth-evolving/);
    assert.equal(changed.previous?.version, '1.0.0');
    assert.equal(changed.previous?.verification, 'verified');
    assert.equal(changed.previous?.sourceRepository, 'https://github.com/synth-org/synth-evolving');
    assert.equal(v11!.status, 'no-provenance');
    const lost = v11!.trust.findings.find((f) => f.code === 'provenance-lost');
    assert.equal(lost?.previous?.version, '1.0.0');
    assert.equal(lost?.previous?.verification, 'verified');
    assert.equal(v20!.status, 'verified');
    assert.deepEqual(v20!.trust.findings, [], '2.x is a line of its own with nothing before it');

    // The policy decides the exit status: the same findings as warnings (and one excluded) pass.
    const policy = path.join(work, 'policy.json');
    fs.writeFileSync(
      policy,
      JSON.stringify({
        severity: { 'source-repository-changed': 'warning' },
        exclude: [{ package: 'synth-evolving@1.1.x', reason: 'released by hand while CI was down', findings: ['provenance-lost'] }],
      }),
    );
    const relaxed = await runCli(
      ['verify', '--history', '--policy', policy, ...common, 'synth-evolving@1.2.0', 'synth-evolving@1.1.0'],
      work,
    );
    assert.equal(relaxed.code, 0, relaxed.stdout + relaxed.stderr);
    assert.match(
      relaxed.stdout,
      /warning source-repository-changed: synth-evolving@1\.2\.0 was built from https:\/\/github\.com\/synth-fork\/synth-evolving/,
    );
    assert.doesNotMatch(relaxed.stdout, /provenance-lost/);
    // A broken policy is a setup error.
    fs.writeFileSync(policy, JSON.stringify({ severity: { 'source-repository-changed': 'loud' } }));
    const broken = await runCli(['verify', '--policy', policy, ...common, 'synth-evolving@1.2.0'], work);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /severity\["source-repository-changed"\]/);
  });

  it('without --history or a policy, results carry no trust section and no full packument is fetched (behaviour unchanged)', async () => {
    registry.requests.length = 0;
    const r = await runCli(
      ['verify', '--json', ...fixtureRegistryArgs(`${registry.url}/synthetic/`, trustedRoot), 'synth-plain@1.0.0'],
      work,
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { results: Record<string, unknown>[] };
    assert.equal(out.results[0]!.status, 'no-provenance');
    assert.equal('trust' in out.results[0]!, false);
    assert.ok(
      !registry.requests.some((q) => q.url.endsWith('/synth-plain') && !String(q.headers.accept).includes('install-v1')),
      'no full packument',
    );
  });
});
