/**
 * Steps about the request itself, before anything is fetched: where the installer will fetch the tarball
 * from (the lockfile's `resolved`), what its lockfile integrity can pin, and the trust material.
 */
import { lockfileAmbiguity, parseIntegrity } from '../integrity';
import { invalid, unavailable } from './error';
import type { Route, Step } from './context';

/**
 * The public registry's hosts. npm (`replace-registry-host`, default `npmjs`: pacote/@npmcli/arborist) and
 * yarn rewrite a lockfile URL on these hosts to the configured registry; any other host is fetched as is.
 */
export const PUBLIC_REGISTRY_HOSTS: ReadonlySet<string> = new Set(['registry.npmjs.org', 'registry.yarnpkg.com']);

/**
 * Where the installer fetches a lockfile's `resolved` from: the configured registry (its origin, or a
 * public-registry host the installer rewrites to it), or another host — a remote tarball whatever its path.
 */
export function routeOf(resolved: string | undefined, registry: string): Route {
  if (resolved === undefined || resolved === '') return { kind: 'registry' };
  let url: URL;
  try {
    url = new URL(resolved);
  } catch {
    return { kind: 'remote', host: resolved.slice(0, 80) };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { kind: 'remote', host: url.protocol };
  if (PUBLIC_REGISTRY_HOSTS.has(url.hostname.toLowerCase())) return { kind: 'registry' };
  let registryOrigin: string | undefined;
  try {
    registryOrigin = new URL(registry).origin;
  } catch {
    registryOrigin = undefined;
  }
  return url.origin === registryOrigin ? { kind: 'registry' } : { kind: 'remote', host: url.host };
}

/** Classify the request; refuse at once what no registry answer can make verified. */
export const checkRequest: Step = {
  name: 'request',
  run(_s, ctx) {
    const { request } = ctx;
    ctx.route = routeOf(request.resolved, ctx.registry);
    if (!ctx.fromLockfile) return;
    const ambiguous = lockfileAmbiguity(request.integrity);
    if (ambiguous)
      throw invalid('ambiguous-integrity', `${ambiguous.message} (${ctx.id})`, {
        scope: 'request',
        extra: { integrity: request.integrity },
      });
    if (ctx.route.kind === 'remote' && !parseIntegrity(request.integrity)) {
      throw unavailable(
        'remote-tarball-unpinned',
        `The lockfile installs ${ctx.id} from ${ctx.route.host} (${request.resolved}), not from the registry ${ctx.registry}, and records no integrity: the installer accepts whatever that host serves, so the registry's provenance says nothing about it.`,
        { scope: 'request', ...(request.integrity !== undefined ? { extra: { integrity: request.integrity } } : {}) },
      );
    }
  },
};

/** Trust material and the cache scope it defines. */
export const loadTrust: Step = {
  name: 'trust',
  async run(s, ctx) {
    try {
      ctx.trust = await s.trust();
    } catch (err) {
      throw unavailable('trust-material-unavailable', `No trust material could be loaded: ${(err as Error).message}`);
    }
    ctx.scope = await s.cacheScope(ctx.registry, ctx.trust);
    if (ctx.scope === undefined) ctx.transientScope = await s.transientScope(ctx.registry, ctx.trust);
  },
};
