import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFixtureRegistry, type FixtureRegistry } from '../fixture-registry';
import { generateSyntheticData, toFixturePackages, type SyntheticData } from '../synthetic/generate';
import { fixtureRegistryArgs, runCli } from './cli-run';

/**
 * `scan --diff <ref>` on a real temporary git repository whose lockfile changed: only the packages whose
 * version changed are reported, each with its trust change, annotated at its lockfile line.
 */
describe('CLI scan --diff <git-ref>', function () {
  let data: SyntheticData;
  let registry: FixtureRegistry;
  let trustedRoot: string;
  let repo: string;

  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], {
      cwd: repo,
      encoding: 'utf8',
    });

  const lock = (pkgs: Record<string, string>) => {
    const packages: Record<string, unknown> = {
      '': { name: 'app', version: '1.0.0', dependencies: Object.fromEntries(Object.keys(pkgs).map((n) => [n, '*'])) },
    };
    for (const [name, version] of Object.entries(pkgs)) {
      const c = data.packages.find((x) => x.name === name && x.version === version)!;
      packages[`node_modules/${name}`] = {
        version,
        resolved: `${registry.url}/synthetic/${name}/-/${name}-${version}.tgz`,
        integrity: c.integrity,
      };
    }
    return `${JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`;
  };

  before(async () => {
    data = await generateSyntheticData({ seed: 'provenance-lens-diff' });
    registry = await startFixtureRegistry({
      realworldDir: null,
      prefixes: [{ prefix: 'synthetic', packages: toFixturePackages(data), keys: data.registryKeys }],
    });
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-diff-'));
    trustedRoot = path.join(os.tmpdir(), `pl-diff-root-${process.pid}.json`);
    fs.writeFileSync(trustedRoot, JSON.stringify(data.trustedRoot));
    git('init', '-q');
    fs.writeFileSync(
      path.join(repo, 'package.json'),
      JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { 'synth-evolving': '*', 'synth-basic': '*' } }, null, 2),
    );
    fs.writeFileSync(path.join(repo, 'package-lock.json'), lock({ 'synth-basic': '1.0.0', 'synth-evolving': '1.0.0' }));
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    // The change under review: synth-evolving 1.0.0 → 1.1.0 (published without provenance), synth-plain added.
    fs.writeFileSync(
      path.join(repo, 'package-lock.json'),
      lock({ 'synth-basic': '1.0.0', 'synth-evolving': '1.1.0', 'synth-plain': '1.0.0' }),
    );
  });
  after(async () => {
    await registry?.close();
  });

  const common = () => fixtureRegistryArgs(`${registry.url}/synthetic/`, trustedRoot);

  it('reports only changed versions with the trust change, and fails on the downgrade', async () => {
    const r = await runCli(['scan', repo, '--diff', 'HEAD', '--json', ...common()], repo);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout) as {
      results: {
        name: string;
        version: string;
        status: string;
        line?: number;
        change: { kind: string; from?: { version: string; status?: string; level?: string } };
        trust: { level: string; findings: { code: string; previous?: { version: string } }[] };
      }[];
    };
    assert.deepEqual(
      out.results.map((x) => `${x.name}@${x.version}`),
      ['synth-evolving@1.1.0', 'synth-plain@1.0.0'],
    );
    const [evolving, plain] = out.results;
    assert.deepEqual(evolving!.change, { kind: 'updated', from: { version: '1.0.0', status: 'verified', level: 'provenance' } });
    assert.equal(evolving!.trust.level, 'registry-signature');
    assert.deepEqual(
      evolving!.trust.findings.map((f) => `${f.code}<${f.previous?.version}`),
      ['provenance-lost<1.0.0'],
    );
    const lockText = fs.readFileSync(path.join(repo, 'package-lock.json'), 'utf8').split('\n');
    assert.match(lockText[evolving!.line! - 1]!, /"node_modules\/synth-evolving": \{/);
    assert.deepEqual(plain!.change, { kind: 'added' });
    assert.deepEqual(plain!.trust.findings, []);
  });

  it('--format github annotates the lockfile line', async () => {
    const r = await runCli(['scan', repo, '--diff', 'HEAD', '--format', 'github', ...common()], repo);
    assert.equal(r.code, 1);
    const lines = fs.readFileSync(path.join(repo, 'package-lock.json'), 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('"node_modules/synth-evolving"')) + 1;
    const annotation = r.stdout.split('\n').find((l) => l.startsWith('::error '));
    assert.ok(annotation, r.stdout);
    assert.equal(annotation.split('::')[1], `error file=package-lock.json,line=${line},title=synth-evolving@1.1.0%3A provenance-lost`);
    assert.match(annotation, /::synth-evolving@1\.1\.0 was published without provenance/);
  });

  it('an unchanged lockfile reports nothing; an unknown ref is a setup error; a lockfile new since the ref counts every package as added', async () => {
    git('add', 'package-lock.json');
    git('commit', '-q', '-m', 'bump');
    const same = await runCli(['scan', repo, '--diff', 'HEAD', '--json', ...common()], repo);
    assert.equal(same.code, 0, same.stderr);
    assert.deepEqual((JSON.parse(same.stdout) as { results: unknown[] }).results, []);
    const bad = await runCli(['scan', repo, '--diff', 'no-such-ref', ...common()], repo);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no-such-ref/);
    const option = await runCli(['scan', repo, '--diff', '--output=x', ...common()], repo);
    assert.equal(option.code, 2, 'a ref that looks like an option is refused');
    const back = await runCli(['scan', repo, '--diff', 'HEAD~1', '--json', ...common()], repo);
    const ids = (JSON.parse(back.stdout) as { results: { name: string; change: { kind: string } }[] }).results.map(
      (x) => `${x.name}:${x.change.kind}`,
    );
    assert.deepEqual(ids, ['synth-evolving:updated', 'synth-plain:added']);
    // A project whose lockfile is not in HEAD yet.
    const sub = path.join(repo, 'sub');
    fs.mkdirSync(sub);
    fs.writeFileSync(
      path.join(sub, 'package.json'),
      JSON.stringify({ name: 'sub', version: '1.0.0', dependencies: { 'synth-basic': '*' } }),
    );
    fs.writeFileSync(path.join(sub, 'package-lock.json'), lock({ 'synth-basic': '1.0.0' }));
    const fresh = await runCli(['scan', sub, '--diff', 'HEAD', '--json', ...common()], repo);
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.match(fresh.stderr, /did not exist at HEAD/);
    const added = (JSON.parse(fresh.stdout) as { results: { name: string; status: string; change: { kind: string } }[] }).results;
    assert.deepEqual(
      added.map((x) => `${x.name}:${x.status}:${x.change.kind}`),
      ['synth-basic:verified:added'],
    );
  });
});
