import type { ProvenanceFacts, Verdict } from '../../../src/verify/types';

export function facts(overrides: Partial<ProvenanceFacts> = {}): ProvenanceFacts {
  return {
    sourceRepository: 'https://github.com/owner/repo',
    sourceCommit: 'abc1234def5678abc1234def5678abc1234def56',
    ref: 'refs/tags/v1.2.3',
    workflowPath: '.github/workflows/release.yml',
    runInvocation: 'https://github.com/owner/repo/actions/runs/1/attempts/1',
    builder: 'https://github.com/actions/runner/github-hosted',
    builderKind: 'github-hosted',
    triggerEvent: 'push',
    issuer: 'https://token.actions.githubusercontent.com',
    transparencyLog: { logIndex: '12345', integratedTime: '2024-01-01T00:00:00Z', url: 'https://search.sigstore.dev/?logIndex=12345' },
    predicateType: 'https://slsa.dev/provenance/v1',
    links: {
      repository: 'https://github.com/owner/repo',
      commit: 'https://github.com/owner/repo/commit/abc1234def5678abc1234def5678abc1234def56',
      workflow: 'https://github.com/owner/repo/blob/abc1234def5678abc1234def5678abc1234def56/.github/workflows/release.yml',
      run: 'https://github.com/owner/repo/actions/runs/1/attempts/1',
      transparencyLog: 'https://search.sigstore.dev/?logIndex=12345',
    },
    ...overrides,
  };
}

export function verified(name = 'pkg', version = '1.2.3', f: ProvenanceFacts = facts()): Verdict {
  return {
    name,
    version,
    status: 'verified',
    facts: f,
    resolvedFrom: 'lockfile',
    registrySignature: { status: 'valid', keyId: 'SHA256:abc', message: 'ok' },
  };
}

export function invalid(
  name = 'pkg',
  version = '1.2.3',
  code: 'invalid-provenance-signature' | 'subject-digest-mismatch' = 'invalid-provenance-signature',
): Verdict {
  return { name, version, status: 'invalid', reason: { code, message: 'The provenance signature does not verify.' } };
}

export function noProvenance(name = 'pkg', version = '1.2.3'): Verdict {
  return { name, version, status: 'no-provenance', reason: { code: 'not-advertised', message: 'Published without attestations.' } };
}

export function unavailable(
  name = 'pkg',
  version = '1.2.3',
  code: 'network-error' | 'offline' | 'mirror-stripped' = 'network-error',
): Verdict {
  return { name, version, status: 'unavailable', reason: { code, message: `Could not reach the registry (${code}).` } };
}
