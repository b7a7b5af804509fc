import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RegistryClient, type RegistryClientOptions } from '../../../src/verify/registry';
import type { FixturePackage } from '../../fixture-registry';

/** A temporary folder removed by the returned cleanup. */
export function tempDir(prefix = 'pl-registry-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** An environment that reads no real .npmrc: user and global config point at files that do not exist. */
export function isolatedEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOME: home,
    NPM_CONFIG_USERCONFIG: path.join(home, 'no-user-npmrc'),
    NPM_CONFIG_GLOBALCONFIG: path.join(home, 'no-global-npmrc'),
    ...extra,
  };
}

/** A client for `registry` that ignores this machine's npm configuration and retries fast. */
export function testClient(registry: string, home: string, options: RegistryClientOptions = {}): RegistryClient {
  return new RegistryClient({
    registry,
    attestationRegistry: '',
    useProjectNpmrc: false,
    env: isolatedEnv(home),
    timeoutMs: 5000,
    ...options,
    retry: { minDelayMs: 5, maxDelayMs: 20, ...options.retry },
  });
}

export function fakeIntegrity(seed: string): string {
  return `sha512-${createHash('sha512').update(seed).digest('base64')}`;
}

/** A synthetic package with dist.signatures and dist.attestations (values are not real signatures). */
export function syntheticPackage(name: string, versions: string[], opts: { signed?: boolean; attested?: boolean } = {}): FixturePackage {
  const signed = opts.signed ?? true;
  const attested = opts.attested ?? true;
  const out: FixturePackage = { name, versions: {} };
  for (const version of versions) {
    out.versions[version] = {
      versionDoc: {
        name,
        version,
        dist: {
          integrity: fakeIntegrity(`${name}@${version}`),
          tarball: `{{registry}}${name}/-/${name.split('/').pop()}-${version}.tgz`,
          ...(signed ? { signatures: [{ keyid: 'SHA256:synthetic', sig: 'MEUCIQ==' }] } : {}),
          ...(attested ? { attestations: { provenance: { predicateType: 'https://slsa.dev/provenance/v1' } } } : {}),
        },
      },
      ...(attested
        ? { attestations: { attestations: [{ predicateType: 'https://slsa.dev/provenance/v1', bundle: { mediaType: 'synthetic' } }] } }
        : {}),
      time: '2024-05-01T00:00:00.000Z',
    };
  }
  return out;
}
