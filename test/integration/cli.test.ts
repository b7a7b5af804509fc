import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFixtureRegistry } from '../fixture-registry';
import { REPO_ROOT } from '../support/realworld';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

/** Runs the bundled CLI as a user would (a child process), never inheriting the user's npmrc. */
function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-'));
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: home, NPM_CONFIG_USERCONFIG: path.join(home, '.npmrc'), NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('CLI end to end (dist/cli.js)', function () {
  let registry: Awaited<ReturnType<typeof startFixtureRegistry>> | undefined;
  let work: string;

  before(async function () {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-cli-'));
    registry = await startFixtureRegistry();
  });
  after(async () => {
    await registry?.close();
  });

  it('prints usage and exits 2 for a bad command line', async () => {
    const r = await run(['frobnicate'], REPO_ROOT);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
    assert.match(r.stderr, /Usage:/);
    const noArgs = await run(['verify', '--cache', ''], REPO_ROOT);
    assert.equal(noArgs.code, 2);
    const badFlag = await run(['scan', '--concurrency', 'lots'], REPO_ROOT);
    assert.equal(badFlag.code, 2);
    assert.match(badFlag.stderr, /--concurrency/);
  });

  it('scan of a folder without package.json is a setup error (exit 2)', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-empty-'));
    const r = await run(['scan', empty, '--cache', ''], REPO_ROOT);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /No package\.json/);
  });

  it('verify --json gives the documented schema with verified facts (exit 0)', async function () {
    const r = await run(
      [
        'verify',
        '--json',
        '--cache',
        '',
        '--attestation-registry',
        '',
        '--registry',
        `${registry!.url}/`,
        'sigstore@1.0.0',
        '@playwright/cli@0.1.1',
      ],
      work,
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.results.length, 2);
    for (const res of out.results) {
      assert.equal(res.status, 'verified', JSON.stringify(res.reason));
      for (const k of [
        'sourceRepository',
        'sourceCommit',
        'ref',
        'workflowPath',
        'runInvocation',
        'builder',
        'issuer',
        'transparencyLog',
      ]) {
        assert.ok(k in res.facts, `facts.${k}`);
      }
    }
    assert.equal(out.results[0].facts.sourceCommit, '06528997c3c8ab9f864fad9a3658446aca7fd86d');
    assert.equal(out.summary.verified, 2);
    assert.ok(['seed', 'tuf', 'tuf-cache'].includes(out.trust.source));
  });

  it('an invalid package makes the exit status 1 and says why', async function () {
    const r = await run(
      [
        'verify',
        '--cache',
        '',
        '--attestation-registry',
        '',
        '--registry',
        `${registry!.url}/case/gundam-visor-cli-v1-tag-invalidsigprov/`,
        'gundam-visor@1.0.1',
      ],
      work,
    );
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /INVALID\s+gundam-visor@1\.0\.1\s+invalid-provenance-signature/);
    assert.match(r.stdout, /1 package: 0 verified, 1 invalid/);
  });

  it('scan with a lockfile prints a verdict for every locked package; SARIF lists the invalid one', async function () {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-project-'));
    fs.writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify(
        { name: 'demo', version: '1.0.0', dependencies: { sigstore: '^1.0.0', nuxt: '3.0.0', 'local-thing': 'file:../x' } },
        null,
        2,
      ),
    );
    fs.writeFileSync(
      path.join(project, 'package-lock.json'),
      JSON.stringify(
        {
          name: 'demo',
          version: '1.0.0',
          lockfileVersion: 3,
          requires: true,
          packages: {
            '': { name: 'demo', version: '1.0.0', dependencies: { sigstore: '^1.0.0', nuxt: '3.0.0', 'local-thing': 'file:../x' } },
            'node_modules/sigstore': {
              version: '1.0.0',
              resolved: `${registry!.url}/sigstore/-/sigstore-1.0.0.tgz`,
              integrity: 'sha512-e+qfbn/zf1+rCza/BhIA//Awmf0v1pa5HQS8Xk8iXrn9bgytytVLqYD0P7NSqZ6IELTgq+tcDvLPkQjNHyWLNg==',
            },
            'node_modules/nuxt': {
              version: '3.0.0',
              resolved: `${registry!.url}/nuxt/-/nuxt-3.0.0.tgz`,
              integrity: 'sha512-' + Buffer.alloc(64, 1).toString('base64'),
            },
            'node_modules/local-thing': { resolved: '../x', link: true },
            '../x': { name: 'local-thing', version: '0.0.1' },
          },
        },
        null,
        2,
      ),
    );
    const common = ['--cache', '', '--attestation-registry', '', '--registry', `${registry!.url}/`];
    const human = await run(['scan', project, ...common], work);
    assert.equal(human.code, 1, human.stdout + human.stderr);
    assert.match(human.stdout, /verified\s+sigstore@1\.0\.0\s.*sigstore\/sigstore-js@0652899/);
    assert.match(human.stdout, /INVALID\s+nuxt@3\.0\.0\s+lockfile-integrity-mismatch/);
    assert.match(human.stdout, /local-thing/);
    const sarif = JSON.parse((await run(['scan', project, '--sarif', ...common], work)).stdout);
    const results = sarif.runs[0].results as { ruleId: string; level: string }[];
    assert.ok(results.some((x) => x.ruleId === 'invalid/lockfile-integrity-mismatch' && x.level === 'error'));
    const direct = JSON.parse((await run(['scan', project, '--direct', '--json', ...common], work)).stdout);
    assert.deepEqual(
      direct.results.map((x: { name: string; status: string }) => `${x.name}:${x.status}`),
      ['sigstore:verified', 'nuxt:invalid', 'local-thing:not-applicable'],
    );
  });

  it('a second run answers from the persistent cache', async function () {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-cache-'));
    const args = ['verify', '--json', '--cache', cache, '--attestation-registry', '', '--registry', `${registry!.url}/`, 'tuf-js@1.0.0'];
    const first = JSON.parse((await run(args, work)).stdout);
    assert.equal(first.results[0].status, 'verified');
    const before = registry!.requests.length;
    const second = JSON.parse((await run([...args, '--offline'], work)).stdout);
    assert.equal(second.results[0].status, 'verified');
    assert.equal(registry!.requests.length, before, 'the offline run made no registry request');
  });
});
