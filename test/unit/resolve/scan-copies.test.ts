import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatLine, colours } from '../../../src/cli/format';
import type { VerifyRequest } from '../../../src/verify/api';
import type { ProvenanceEngine } from '../../../src/verify/engine';
import { toJsonResult } from '../../../src/verify/report';
import { findLockfile, readLockfile } from '../../../src/verify/resolve/lockfile';
import { parseManifest } from '../../../src/verify/resolve/manifest';
import { resolveDependencies } from '../../../src/verify/resolve/resolve';
import { scanProject } from '../../../src/verify/scan';
import type { Lockfile, Verdict } from '../../../src/verify/types';

/**
 * An engine whose resolution is the real one (manifest, lockfile, resolveDependencies) and whose verification records
 * the requests it gets and echoes them back as verdicts carrying the request's location and resolved URL.
 */
function recordingEngine(): { engine: ProvenanceEngine; requests: VerifyRequest[] } {
  const requests: VerifyRequest[] = [];
  const engine = {
    async resolveManifest(manifestPath: string, text: string) {
      const manifest = parseManifest(text);
      const found = await findLockfile(path.dirname(manifestPath));
      const lockfile: Lockfile | undefined = found ? await readLockfile(found.path) : undefined;
      const resolved = await resolveDependencies(manifest, {
        lockfile,
        importerPath: found?.importerPath,
        listVersions: async (name) => {
          throw new Error(`no registry in this test (${name})`);
        },
      });
      return { manifest, lockfile, resolved, notes: [] };
    },
    prefetch(): void {},
    async verifyAll(list: VerifyRequest[]): Promise<Verdict[]> {
      requests.push(...list);
      return list.map((r) => ({
        name: r.name,
        version: r.version,
        status: 'no-provenance',
        reason: { code: 'not-advertised', message: 'm' },
        location: r.location,
        resolved: r.resolved,
      }));
    },
  };
  return { engine: engine as unknown as ProvenanceEngine, requests };
}

describe('resolve/scan: copies reach the engine with resolved and location', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-scan-copies-'));
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'app', dependencies: { sigstore: '^1.0.0', helper: '^2.0.0' } }),
    );
    fs.writeFileSync(
      path.join(dir, 'package-lock.json'),
      JSON.stringify({
        lockfileVersion: 3,
        packages: {
          '': { name: 'app', dependencies: { sigstore: '^1.0.0', helper: '^2.0.0' } },
          'node_modules/sigstore': {
            version: '1.0.0',
            resolved: 'https://registry.npmjs.org/sigstore/-/sigstore-1.0.0.tgz',
            integrity: 'sha512-AAAA',
          },
          'node_modules/helper': { version: '2.0.0', dependencies: { sigstore: '1.0.0' } },
          'node_modules/helper/node_modules/sigstore': {
            version: '1.0.0',
            resolved: 'https://evil.example/payload.tgz',
            integrity: 'sha512-BBBB',
          },
        },
      }),
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lockfile mode: one request per differing copy, each with its resolved URL, integrity and location', async () => {
    const { engine, requests } = recordingEngine();
    const scan = await scanProject(engine, dir, { mode: 'lockfile' });
    assert.deepEqual(requests.map((r) => [r.name, r.location, r.resolved ?? null, r.integrity ?? null]).sort(), [
      ['helper', 'node_modules/helper', null, null],
      ['sigstore', 'node_modules/helper/node_modules/sigstore', 'https://evil.example/payload.tgz', 'sha512-BBBB'],
      ['sigstore', 'node_modules/sigstore', 'https://registry.npmjs.org/sigstore/-/sigstore-1.0.0.tgz', 'sha512-AAAA'],
    ]);
    assert.ok(requests.every((r) => r.resolvedFrom === 'lockfile'));
    assert.equal(scan.entries.length, 3);
    // The CLI line and the JSON result say which copy a verdict is about.
    const evil = scan.entries.map((e) => e.verdict).find((v) => v.resolved === 'https://evil.example/payload.tgz')!;
    assert.match(formatLine(evil, colours(false)), /sigstore@1\.0\.0 .*\[node_modules\/helper\/node_modules\/sigstore\]$/);
    const json = toJsonResult({ verdict: evil });
    assert.equal(json.location, 'node_modules/helper/node_modules/sigstore');
    assert.equal(json.resolved, 'https://evil.example/payload.tgz');
  });

  it('direct mode: the badge of a direct dependency judges the top-level copy', async () => {
    const { engine, requests } = recordingEngine();
    await scanProject(engine, dir, { mode: 'direct' });
    const sigstore = requests.find((r) => r.name === 'sigstore');
    assert.deepEqual(sigstore, {
      name: 'sigstore',
      version: '1.0.0',
      integrity: 'sha512-AAAA',
      resolved: 'https://registry.npmjs.org/sigstore/-/sigstore-1.0.0.tgz',
      location: 'node_modules/sigstore',
      resolvedFrom: 'lockfile',
    });
  });
});
