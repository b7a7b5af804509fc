/** `provenance-lens verify <name@version>...`: exact versions as given, ranges and tags resolved on the registry. */
import npa from 'npm-package-arg';
import semver from 'semver';
import type { VerifyRequest } from '../../verify/api';
import type { ProvenanceEngine } from '../../verify/engine';
import type { Verdict } from '../../verify/types';
import { UsageError } from '../args';
import type { CliItem, RunContext } from '../context';
import { assessAll } from './trust';

export async function runVerify(ctx: RunContext): Promise<CliItem[]> {
  const requests: VerifyRequest[] = [];
  const early: (Verdict | undefined)[] = [];
  for (const spec of ctx.options.args) {
    const r = await toRequest(ctx.engine, spec);
    if ('verdict' in r) early.push(r.verdict);
    else {
      early.push(undefined);
      requests.push(r.request);
    }
  }
  const verdicts = await ctx.engine.verifyAll(requests, { onProgress: ctx.progress });
  let k = 0;
  const items: CliItem[] = early.map((e) => ({ verdict: e ?? verdicts[k++]! }));
  await assessAll(ctx, items);
  return items;
}

/** Turn a command-line spec into a request: exact versions as given, ranges and tags via the registry. */
export async function toRequest(engine: ProvenanceEngine, spec: string): Promise<{ request: VerifyRequest } | { verdict: Verdict }> {
  let parsed: npa.Result;
  try {
    parsed = npa(spec);
  } catch (err) {
    throw new UsageError(`'${spec}' is not a package spec: ${(err as Error).message}`);
  }
  if (parsed.type === 'alias') parsed = (parsed as npa.AliasResult).subSpec;
  if (!parsed.name || !['version', 'range', 'tag'].includes(parsed.type)) {
    throw new UsageError(`'${spec}' is not a registry package (name@version); git, file and URL specs have no npm provenance`);
  }
  const name = parsed.name;
  if (parsed.type === 'version')
    return { request: { name, version: semver.clean(parsed.fetchSpec ?? '') ?? parsed.fetchSpec!, resolvedFrom: 'cli' } };
  try {
    const { versions, distTags } = await engine.listVersions(name);
    const wanted =
      parsed.type === 'tag'
        ? distTags[parsed.fetchSpec ?? 'latest']
        : semver.maxSatisfying(
            versions.map((v) => v.version),
            parsed.fetchSpec ?? '*',
          );
    if (!wanted) {
      return {
        verdict: {
          name,
          version: parsed.fetchSpec ?? '',
          status: 'unavailable',
          reason: { code: 'unresolved', message: `No version of ${name} matches '${parsed.fetchSpec}'.` },
        },
      };
    }
    return { request: { name, version: wanted, resolvedFrom: 'registry' } };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return {
      verdict: {
        name,
        version: parsed.fetchSpec ?? '',
        status: 'unavailable',
        reason: {
          code: code === 'not-found' ? 'not-found' : 'unresolved',
          message: `Could not resolve ${spec}: ${(err as Error).message}`,
        },
      },
    };
  }
}
