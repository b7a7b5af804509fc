/**
 * The version document, what its integrity pins, and how the lockfile's integrity relates to it.
 */
import { bindIntegrity, registryPin } from '../integrity';
import { throwIfAborted, invalid, unavailable } from './error';
import type { PipelineServices, Step, VerifyContext, VersionDoc } from './context';

const short = (s: string): string => `${s.slice(0, 24)}…`;

/**
 * A version document is kept in the disk HTTP cache only when the verdict cache cannot answer the next
 * time without it: with a lockfile integrity and a cache scope, the next lookup is by that integrity and
 * needs no document (what the document proved is kept as the verdict), so it is not stored ('no-store').
 * Offline, whatever is cached is read (nothing is written then).
 */
export function documentCaching(s: PipelineServices, ctx: VerifyContext): 'default' | 'no-store' {
  return !s.options.offline && ctx.scope !== undefined && ctx.request.integrity ? 'no-store' : 'default';
}

export const versionDocument: Step = {
  name: 'version document',
  async run(s, ctx) {
    throwIfAborted(ctx.signal);
    if (s.log.debugEnabled !== false) s.log.debug(`${ctx.id}: GET version document from ${ctx.registry}`);
    ctx.doc = (await s.client.getVersion(ctx.name, ctx.version, { signal: ctx.signal, cache: documentCaching(s, ctx) })) as VersionDoc;
    ctx.used = ctx.registry;
    ctx.integrity = typeof ctx.doc.dist?.integrity === 'string' ? ctx.doc.dist.integrity : undefined;
    ctx.pin = registryPin(ctx.integrity, ctx.doc.dist?.shasum);
  },
};

/**
 * The installer checks the lockfile's integrity, not the registry's: a lockfile that pins other bytes, or
 * more than one tarball, is a finding about this request (never cached); one that fetches from another
 * host without pinning the signed sha512 cannot be judged by the registry's word.
 */
export const bindLockfile: Step = {
  name: 'lockfile binding',
  run(_s, ctx) {
    if (!ctx.fromLockfile || !ctx.pin) return;
    const lockfile = ctx.request.integrity;
    const binding = bindIntegrity(lockfile, ctx.pin);
    ctx.binding = binding;
    const extra = { integrity: ctx.integrity ?? lockfile, registry: ctx.registry };
    if (binding.kind === 'mismatch') {
      throw invalid(
        'lockfile-integrity-mismatch',
        `The lockfile records integrity ${short(lockfile ?? '')} for ${ctx.id}, but ${ctx.registry} serves ${short(ctx.integrity ?? '')}: the package changed after it was locked, or the lockfile was edited.`,
        { scope: 'request', extra },
      );
    }
    if (binding.kind === 'ambiguous') throw invalid('ambiguous-integrity', `${binding.message} (${ctx.id})`, { scope: 'request', extra });
    if (binding.kind !== 'pinned' && ctx.route?.kind === 'remote') {
      throw unavailable(
        'remote-tarball-unpinned',
        `The lockfile installs ${ctx.id} from ${ctx.route.host} (${ctx.request.resolved}), not from the registry ${ctx.registry}, and ${binding.kind === 'missing' ? 'records no integrity' : binding.message}: the registry's provenance says nothing about what that host serves.`,
        { scope: 'request', extra },
      );
    }
  },
};

/** The registry's integrity must exist and, to be verifiable, pin one tarball. */
export const registryIntegrity: Step = {
  name: 'registry integrity',
  run(_s, ctx) {
    const pin = ctx.pin!;
    if (pin.kind === 'missing') {
      throw unavailable(
        'malformed-response',
        `${ctx.registry} serves no sha512 integrity for ${ctx.id}, so nothing can be checked against it.`,
        {
          extra: { registry: ctx.registry },
        },
      );
    }
    if (pin.kind === 'ambiguous') {
      throw invalid(
        'ambiguous-integrity',
        `${ctx.registry} serves an integrity for ${ctx.id} that does not pin one tarball: ${pin.message}. A registry serves exactly one sha512; this document was altered on the way.`,
      );
    }
  },
};
