import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TrustHistory } from '../../../src/verify/history';
import { parsePolicy } from '../../../src/verify/policy';
import { REALWORLD_DIR } from '../../support/realworld';
import { deps, noProvenance, packument, verified } from './helpers';

const NUXT = path.join(REALWORLD_DIR, 'packuments', 'nuxt.json');

describe('trust history on the real nuxt packument', () => {
  const nuxt = () =>
    JSON.parse(fs.readFileSync(NUXT, 'utf8')) as { versions: Record<string, Record<string, unknown>>; time: Record<string, string> };

  it('2.18.1, 3.11.0 and 4.0.0 raise no downgrade (other lines, never had it before, pre-release channels apart)', async () => {
    const { deps: d } = deps({ nuxt: nuxt() });
    const history = new TrustHistory(d);
    for (const verdict of [
      noProvenance('nuxt', '2.18.1'),
      noProvenance('nuxt', '3.11.0'),
      verified('nuxt', '4.0.0', 'https://github.com/nuxt/nuxt'),
    ]) {
      const t = await history.assess(verdict);
      assert.equal(t.history, true);
      assert.deepEqual(
        t.findings.filter((f) => f.code === 'provenance-lost' || f.code === 'trusted-publisher-lost'),
        [],
        `${verdict.version}: ${JSON.stringify(t.findings)}`,
      );
    }
    const t218 = await history.assess(noProvenance('nuxt', '2.18.1'));
    assert.equal(t218.line, '2.x');
    assert.equal(t218.level, 'registry-signature');
    assert.equal(t218.publisher, 'danielroe');
    assert.ok(
      t218.notes.some((n) => /No earlier 2\.x version of nuxt had provenance/.test(n)),
      t218.notes.join('\n'),
    );
  });

  it('a 3.x version served without provenance after 3.19.x raises trusted-publisher-lost naming 3.19.2 and its publisher, unchecked', async () => {
    const doc = nuxt();
    const base = structuredClone(doc.versions['3.19.2']!);
    const dist = { ...(base.dist as Record<string, unknown>) };
    delete dist.attestations;
    doc.versions['3.19.99'] = { ...base, version: '3.19.99', dist, _npmUser: { name: 'danielroe', email: 'daniel@roe.dev' } };
    doc.time['3.19.99'] = '2025-09-20T00:00:00.000Z';
    const { deps: d, verifyCalls } = deps({ nuxt: doc });
    const t = await new TrustHistory(d).assess(noProvenance('nuxt', '3.19.99'));
    assert.equal(t.level, 'registry-signature');
    assert.equal(t.publisher, 'danielroe');
    const f = t.findings.find((x) => x.code === 'trusted-publisher-lost');
    assert.ok(f, JSON.stringify(t.findings));
    assert.equal(f.severity, 'error');
    assert.equal(f.previous?.version, '3.19.2');
    assert.equal(f.previous?.publisher, 'GitHub Actions');
    assert.equal(f.previous?.level, 'trusted-publisher');
    assert.equal(f.previous?.verification, 'unavailable');
    assert.match(f.message, /nuxt@3\.19\.99 was published by danielroe without provenance/);
    assert.match(f.message, /3\.19\.2/);
    assert.match(f.message, /could not be checked/);
    assert.deepEqual(verifyCalls, ['nuxt@3.19.2'], 'the earlier evidence compared with is verified before the finding is raised');
  });
});

describe('trust history on synthetic histories shaped like real reports', () => {
  it('semver@6.3.1 after 7.x had provenance: no downgrade (another line), and nothing from 7.x is even verified', async () => {
    const p = packument('semver', {
      '6.3.0': { time: '2019-07-01T00:00:00Z' },
      '7.5.2': { time: '2023-06-15T00:00:00Z', provenance: true },
      '7.5.4': { time: '2023-07-07T00:00:00Z', provenance: true },
      '6.3.1': { time: '2023-07-10T00:00:00Z' },
      '7.6.0': { time: '2024-01-22T00:00:00Z', provenance: true },
    });
    const { deps: d, verifyCalls } = deps(
      { semver: p },
      { 'semver@7.5.4': verified('semver', '7.5.4', 'https://github.com/npm/node-semver') },
    );
    const h = new TrustHistory(d);
    const t = await h.assess(noProvenance('semver', '6.3.1'));
    assert.deepEqual(t.findings, []);
    assert.deepEqual(verifyCalls, []);
    // The same history does flag a 7.x version without provenance (the check can fail).
    const t7 = await h.assess(noProvenance('semver', '7.6.0'));
    assert.equal(t7.findings[0]?.code, 'provenance-lost');
    assert.equal(t7.findings[0]?.previous?.version, '7.5.4');
    assert.equal(t7.findings[0]?.previous?.verification, 'verified');
    assert.match(t7.findings[0]!.message, /The provenance of 7\.5\.4 verified/);
  });

  it('eslint-config-prettier 8.10.2 after 10.x had trusted publishing: no downgrade', async () => {
    const p = packument('eslint-config-prettier', {
      '8.10.0': { time: '2023-08-03T00:00:00Z' },
      '10.1.5': { time: '2025-05-01T00:00:00Z', provenance: true, trustedPublisher: true },
      '10.1.8': { time: '2025-07-18T00:00:00Z', provenance: true, trustedPublisher: true },
      '8.10.2': { time: '2025-07-18T10:00:00Z', publisher: 'jounqin' },
    });
    const { deps: d, verifyCalls } = deps({ 'eslint-config-prettier': p });
    const t = await new TrustHistory(d).assess(noProvenance('eslint-config-prettier', '8.10.2'));
    assert.deepEqual(t.findings, []);
    assert.deepEqual(verifyCalls, []);
    assert.equal(t.line, '8.x');
  });

  it('a staged publish without the registry marker: the downgrade message says a staged publish may look like this; with the marker, no downgrade', async () => {
    const p = packument('tinyexec', {
      '1.1.0': { time: '2025-10-01T00:00:00Z', provenance: true, trustedPublisher: true },
      '1.2.0': { time: '2026-05-20T00:00:00Z', provenance: true, publisher: 'maintainer' },
      '1.2.1': { time: '2026-05-29T00:00:00Z', provenance: true, approver: true, publisher: 'maintainer' },
    });
    const { deps: d } = deps({ tinyexec: p }, { 'tinyexec@1.1.0': verified('tinyexec', '1.1.0', 'https://github.com/tinylibs/tinyexec') });
    const h = new TrustHistory(d);
    const unmarked = await h.assess(verified('tinyexec', '1.2.0', 'https://github.com/tinylibs/tinyexec'));
    const f = unmarked.findings.find((x) => x.code === 'trusted-publisher-lost');
    assert.ok(f, JSON.stringify(unmarked.findings));
    assert.match(f.message, /staged publish/i);
    assert.equal(f.previous?.version, '1.1.0');
    const marked = await h.assess(verified('tinyexec', '1.2.1', 'https://github.com/tinylibs/tinyexec'));
    assert.equal(marked.level, 'staged');
    assert.deepEqual(
      marked.findings.filter((x) => x.code.endsWith('-lost')),
      [],
    );
  });

  it('earlier evidence that fails verification is its own finding, and the next stronger version is compared instead', async () => {
    const p = packument('pkg', {
      '1.0.0': { time: '2024-01-01T00:00:00Z', provenance: true },
      '1.1.0': { time: '2024-02-01T00:00:00Z', provenance: true },
      '1.2.0': { time: '2024-03-01T00:00:00Z' },
    });
    const invalid = {
      name: 'pkg',
      version: '1.1.0',
      status: 'invalid' as const,
      reason: { code: 'subject-digest-mismatch' as const, message: 'digest differs' },
    };
    const { deps: d, verifyCalls } = deps({ pkg: p }, { 'pkg@1.1.0': invalid, 'pkg@1.0.0': verified('pkg', '1.0.0') });
    const t = await new TrustHistory(d).assess(noProvenance('pkg', '1.2.0'));
    assert.deepEqual(verifyCalls, ['pkg@1.1.0', 'pkg@1.0.0']);
    const codes = t.findings.map((f) => f.code).sort();
    assert.deepEqual(codes, ['previous-evidence-invalid', 'provenance-lost']);
    assert.equal(t.findings.find((f) => f.code === 'provenance-lost')?.previous?.version, '1.0.0');
    assert.match(t.findings.find((f) => f.code === 'previous-evidence-invalid')!.message, /subject-digest-mismatch/);
  });

  it('pre-release channels and 0.x minors are lines of their own', async () => {
    const p = packument('x', {
      '0.3.0': { time: '2024-01-01T00:00:00Z', provenance: true },
      '0.4.0': { time: '2024-02-01T00:00:00Z' },
      '0.4.1': { time: '2024-03-01T00:00:00Z', provenance: true },
      '0.4.2': { time: '2024-04-01T00:00:00Z' },
      '1.0.0-0': { time: '2024-05-01T00:00:00Z', provenance: true },
      '1.0.0-alpha.1': { time: '2024-05-02T00:00:00Z' },
      '1.0.0-rc.0': { time: '2024-05-03T00:00:00Z', provenance: true },
      '1.0.0-rc.1': { time: '2024-05-04T00:00:00Z' },
      '1.0.0': { time: '2024-05-05T00:00:00Z' },
    });
    const { deps: d } = deps({ x: p });
    const h = new TrustHistory(d);
    const lost = async (v: string) =>
      (await h.assess(noProvenance('x', v))).findings.filter((f) => f.code === 'provenance-lost').map((f) => f.previous?.version);
    assert.deepEqual(await lost('0.4.0'), [], '0.3.x is another line');
    assert.deepEqual(await lost('0.4.2'), ['0.4.1']);
    assert.deepEqual(await lost('1.0.0-alpha.1'), [], 'another channel than 1.0.0-0');
    assert.deepEqual(await lost('1.0.0-rc.1'), ['1.0.0-rc.0']);
    assert.deepEqual(await lost('1.0.0'), [], 'stable is never judged against pre-releases');
  });

  it('a registry record without any signature or attestation (a stripping mirror) raises nothing and says so', async () => {
    const p = packument('m', {
      '1.0.0': { time: '2024-01-01T00:00:00Z', signatures: false },
      '1.1.0': { time: '2024-02-01T00:00:00Z', signatures: false },
    });
    const { deps: d } = deps({ m: p });
    const t = await new TrustHistory(d).assess(noProvenance('m', '1.1.0', false));
    assert.deepEqual(t.findings, []);
    assert.ok(t.notes.some((n) => /mirror/.test(n)));
  });

  it('a history that cannot be fetched is a note, never a finding', async () => {
    const { deps: d } = deps({});
    const t = await new TrustHistory(d).assess(noProvenance('gone', '1.0.0'));
    assert.deepEqual(t.findings, []);
    assert.equal(t.history, false);
    assert.match(t.notes.join(' '), /could not be read/);
  });

  it('the policy: severities, exclusions with a reason, and the age after which a downgrade is information', async () => {
    const p = packument('pkg', {
      '1.0.0': { time: '2020-01-01T00:00:00Z', provenance: true },
      '1.1.0': { time: '2020-02-01T00:00:00Z' },
      '2.0.0': { time: '2025-12-01T00:00:00Z', provenance: true },
      '2.1.0': { time: '2025-12-20T00:00:00Z' },
    });
    const { deps: d } = deps({ pkg: p }, { 'pkg@1.0.0': verified('pkg', '1.0.0'), 'pkg@2.0.0': verified('pkg', '2.0.0') });
    const policy = parsePolicy(
      JSON.stringify({
        downgradeInformationAfterDays: 365,
        exclude: [{ package: 'pkg@~2.1.0', reason: 'maintainer confirmed a manual release', findings: ['provenance-lost'] }],
      }),
    ).policy!;
    const h = new TrustHistory(d, { policy });
    const old = (await h.assess(noProvenance('pkg', '1.1.0'))).findings[0]!;
    assert.equal(old.code, 'provenance-lost');
    assert.equal(old.severity, 'information');
    assert.match(old.severityNote ?? '', /365 days/);
    const excluded = (await h.assess(noProvenance('pkg', '2.1.0'))).findings[0]!;
    assert.equal(excluded.severity, 'off');
    assert.match(excluded.severityNote ?? '', /maintainer confirmed/);
    h.setPolicy(parsePolicy(JSON.stringify({ severity: { 'provenance-lost': 'warning' } })).policy);
    assert.equal((await h.assess(noProvenance('pkg', '2.1.0'))).findings[0]!.severity, 'warning');
  });

  it('policy requirements and allowed sources need no history', async () => {
    const { deps: d, packumentCalls } = deps({});
    const policy = parsePolicy(
      JSON.stringify({
        requirements: [{ packages: '@myorg/*', sourceRepositories: 'github.com/myorg/*' }],
        allowedSources: { 'left-pad': ['github.com/left-pad/left-pad'] },
      }),
    ).policy!;
    const h = new TrustHistory(d, { policy });
    const codes = async (v: Parameters<typeof h.assess>[0]) =>
      (await h.assess(v, { history: false })).findings.map((f) => `${f.code}:${f.severity}`);
    assert.deepEqual(await codes(verified('@myorg/a', '1.0.0', 'https://github.com/myorg/a')), []);
    assert.deepEqual(await codes(verified('@myorg/a', '1.0.0', 'https://github.com/evil/a')), ['evidence-required:error']);
    assert.deepEqual(await codes(noProvenance('@myorg/b', '1.0.0')), ['evidence-required:error']);
    assert.deepEqual(await codes(verified('left-pad', '1.3.0', 'https://github.com/someone/left-pad')), ['source-not-allowed:error']);
    assert.deepEqual(await codes(verified('left-pad', '1.3.0', 'https://github.com/left-pad/left-pad')), []);
    assert.deepEqual(await codes(verified('other', '1.0.0', 'https://github.com/x/y')), []);
    assert.deepEqual(packumentCalls, []);
  });

  it('signed facts compared with the previous verified version of the line: workflow, ref kind; self-hosted runners; declared repository', async () => {
    const p = packument('w', {
      '1.0.0': { time: '2024-01-01T00:00:00Z', provenance: true, repository: 'git+https://github.com/o/r.git' },
      '1.1.0': { time: '2024-02-01T00:00:00Z', provenance: true, repository: 'git+https://github.com/o/other.git' },
    });
    const { deps: d } = deps({ w: p }, { 'w@1.0.0': verified('w', '1.0.0', 'https://github.com/o/r') });
    const t = await new TrustHistory(d).assess(
      verified('w', '1.1.0', 'https://github.com/O/R', {
        workflowPath: '.github/workflows/manual.yml',
        ref: 'refs/heads/main',
        builderKind: 'self-hosted',
      }),
    );
    const codes = t.findings.map((f) => f.code).sort();
    assert.deepEqual(codes, ['ref-kind-changed', 'repository-mismatch', 'self-hosted-runner', 'workflow-changed']);
    assert.match(t.findings.find((f) => f.code === 'workflow-changed')!.message, /manual\.yml.*release\.yml/);
  });
});
