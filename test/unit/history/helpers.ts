/** Packuments and verdicts for trust-history tests, shaped like the registry's. */
import type { Verdict } from '../../../src/verify/types';
import type { VerifyRequest } from '../../../src/verify/api';
import type { TrustHistoryDeps } from '../../../src/verify/history';

export interface VersionSpec {
  time: string;
  provenance?: boolean;
  trustedPublisher?: boolean;
  approver?: boolean;
  signatures?: boolean;
  publisher?: string;
  repository?: string;
}

export function packument(name: string, versions: Record<string, VersionSpec>): Record<string, unknown> {
  const docs: Record<string, unknown> = {};
  const time: Record<string, string> = {};
  for (const [v, s] of Object.entries(versions)) {
    time[v] = s.time;
    const user: Record<string, unknown> = {
      name: s.publisher ?? (s.trustedPublisher ? 'GitHub Actions' : 'maintainer'),
      email: 'm@example.com',
    };
    if (s.trustedPublisher) user.trustedPublisher = { id: 'github', oidcConfigId: 'oidc:1' };
    if (s.approver) user.approver = { name: 'maintainer', email: 'm@example.com' };
    docs[v] = {
      name,
      version: v,
      _npmUser: user,
      ...(s.repository ? { repository: { type: 'git', url: s.repository } } : {}),
      dist: {
        integrity: 'sha512-AAAA',
        ...(s.signatures === false ? {} : { signatures: [{ keyid: 'SHA256:k', sig: 'MEUCIQ==' }] }),
        ...(s.provenance
          ? {
              attestations: {
                url: `https://registry.npmjs.org/-/npm/v1/attestations/${name}@${v}`,
                provenance: { predicateType: 'https://slsa.dev/provenance/v1' },
              },
            }
          : {}),
      },
    };
  }
  return { name, 'dist-tags': {}, versions: docs, time };
}

export const noProvenance = (name: string, version: string, signature = true): Verdict => ({
  name,
  version,
  status: 'no-provenance',
  reason: { code: 'not-advertised', message: 'published without provenance' },
  registrySignature: signature ? { status: 'valid', message: 'ok' } : { status: 'missing', message: 'none' },
  registry: 'https://registry.npmjs.org/',
});

export const verified = (
  name: string,
  version: string,
  repo = 'https://github.com/o/r',
  extra: Partial<NonNullable<Verdict['facts']>> = {},
): Verdict => ({
  name,
  version,
  status: 'verified',
  registry: 'https://registry.npmjs.org/',
  registrySignature: { status: 'valid', message: 'ok' },
  facts: {
    sourceRepository: repo,
    sourceCommit: '0123456789abcdef0123456789abcdef01234567',
    ref: `refs/tags/v${version}`,
    workflowPath: '.github/workflows/release.yml',
    builder: 'https://github.com/actions/runner/github-hosted',
    builderKind: 'github-hosted',
    issuer: 'https://token.actions.githubusercontent.com',
    transparencyLog: { logIndex: '1' },
    predicateType: 'https://slsa.dev/provenance/v1',
    links: {},
    ...extra,
  },
});

/**
 * Injected dependencies: packuments from memory, verdicts from `verdicts` (name@version → verdict;
 * anything else is unavailable, as for a version whose attestations cannot be fetched). Records calls.
 */
export function deps(packuments: Record<string, unknown>, verdicts: Record<string, Verdict> = {}, now = '2026-01-01T00:00:00Z') {
  const verifyCalls: string[] = [];
  const packumentCalls: string[] = [];
  const d: TrustHistoryDeps = {
    fetchPackument: async (name) => {
      packumentCalls.push(name);
      const p = packuments[name];
      if (!p) throw new Error(`not-found: ${name}`);
      return structuredClone(p);
    },
    verifyVersion: async (req: VerifyRequest) => {
      verifyCalls.push(`${req.name}@${req.version}`);
      return (
        verdicts[`${req.name}@${req.version}`] ?? {
          name: req.name,
          version: req.version,
          status: 'unavailable',
          reason: { code: 'registry-error', message: `attestations of ${req.name}@${req.version}: HTTP 501` },
        }
      );
    },
    now: () => new Date(now),
  };
  return { deps: d, verifyCalls, packumentCalls };
}
