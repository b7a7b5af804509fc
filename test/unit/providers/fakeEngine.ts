/** A tiny in-memory engine for the providers' tests (no network, no crypto). */
import type { ProvenanceEngineApi, RunOptions, VerifyRequest, VersionInfo } from '../../../src/verify/api';
import type { ManifestDependency, ManifestParseResult, ResolvedDependency, Verdict } from '../../../src/verify/types';

export class FakeEngine implements ProvenanceEngineApi {
  verifyCalls: VerifyRequest[] = [];
  listCalls: string[] = [];
  /** Full packuments served by `fetchPackument` (trust history); a missing name is a not-found error. */
  packuments: Record<string, unknown> = {};
  packumentCalls: { name: string; registry?: string }[] = [];
  constructor(
    private readonly verdicts: Record<string, Omit<Verdict, 'name' | 'version'>>,
    private readonly versions: Record<string, VersionInfo[]> = {},
    private readonly resolution: (dep: ManifestDependency) => Partial<ResolvedDependency> = () => ({}),
  ) {}

  async verify(request: VerifyRequest, options?: RunOptions): Promise<Verdict> {
    this.verifyCalls.push(request);
    if (options?.signal?.aborted)
      return { name: request.name, version: request.version, status: 'unavailable', reason: { code: 'cancelled', message: 'cancelled' } };
    const v = this.verdicts[`${request.name}@${request.version}`] ?? {
      status: 'no-provenance',
      reason: { code: 'not-advertised', message: 'none' },
    };
    return { name: request.name, version: request.version, ...v } as Verdict;
  }

  async verifyAll(requests: VerifyRequest[], options?: RunOptions): Promise<Verdict[]> {
    const out: Verdict[] = [];
    for (const [i, r] of requests.entries()) {
      const v = await this.verify(r, options);
      out.push(v);
      options?.onVerdict?.(v, i);
    }
    return out;
  }

  async listVersions(name: string): Promise<{ versions: VersionInfo[]; distTags: Record<string, string> }> {
    this.listCalls.push(name);
    return { versions: this.versions[name] ?? [], distTags: {} };
  }

  async resolveManifest(_path: string, text: string): Promise<{ manifest: ManifestParseResult; resolved: ResolvedDependency[] }> {
    const json = JSON.parse(text) as Record<string, Record<string, string>>;
    const dependencies: ManifestDependency[] = [];
    for (const section of ['dependencies', 'devDependencies'] as const) {
      for (const [name, spec] of Object.entries(json[section] ?? {})) {
        const nameOffset = text.indexOf(`"${name}"`);
        const specOffset = text.indexOf(`"${spec}"`, nameOffset);
        const kind = spec.startsWith('git') ? 'git' : 'range';
        dependencies.push({
          name,
          spec,
          section,
          kind,
          registryName: kind === 'git' ? undefined : name,
          registrySpec: kind === 'git' ? undefined : spec,
          nameSpan: { offset: nameOffset, length: name.length + 2 },
          specSpan: { offset: specOffset, length: spec.length + 2 },
        });
      }
    }
    const resolved: ResolvedDependency[] = dependencies.map((dependency) => {
      if (dependency.kind === 'git') {
        return {
          dependency,
          name: dependency.name,
          verdict: { name: dependency.name, version: '', status: 'not-applicable', reason: { code: 'git', message: 'git' } },
        };
      }
      return {
        dependency,
        name: dependency.name,
        version: dependency.spec.replace(/^[\^~]/, ''),
        resolvedFrom: 'registry',
        ...this.resolution(dependency),
      };
    });
    return { manifest: { dependencies, problems: [] }, resolved };
  }

  async fetchPackument(name: string, options: { registry?: string; signal?: AbortSignal } = {}): Promise<unknown> {
    this.packumentCalls.push({ name, ...(options.registry ? { registry: options.registry } : {}) });
    const doc = this.packuments[name];
    if (doc instanceof Error) throw doc;
    if (!doc) throw new Error(`GET ${name}: 404 Not Found`);
    return structuredClone(doc);
  }

  async trustInfo() {
    return { source: 'seed' as const };
  }
  registryObservations() {
    return [];
  }
  async clearCache() {}
}
