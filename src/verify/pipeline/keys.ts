/**
 * The judged registry's signing keys, and what their absence (or the signatures') means.
 */
import { hasAttestations, hasSignatures, type Step } from './context';
import { throwIfAborted, unavailable } from './error';

export const registryKeys: Step = {
  name: 'keys',
  async run(s, ctx) {
    throwIfAborted(ctx.signal);
    ctx.keys = await s.registryKeys(ctx.used!, ctx.trust!);
  },
};

export const strippedCheck: Step = {
  name: 'stripped provenance',
  run(_s, ctx) {
    const { keys, used } = ctx;
    const dist = ctx.doc!.dist;
    if (hasSignatures(dist) || hasAttestations(dist)) return;
    if (keys !== null && keys !== undefined && keys.length > 0) {
      // A registry that publishes signing keys signs every version it serves (registry.npmjs.org
      // back-filled signatures for all of them). A version with neither signatures nor attestations
      // comes through something that strips them: we cannot tell anything about the package.
      throw unavailable(
        'mirror-stripped',
        `${used} serves no registry signature and no attestations for ${ctx.id}, though it signs every version it publishes: a mirror or proxy on the way strips them, so nothing can be said about this package.`,
        { extra: { registry: used } },
      );
    }
    if (keys === null && !ctx.notPublic) {
      throw unavailable(
        'no-registry-keys',
        `${used} publishes no signing keys and serves no signatures or attestations for ${ctx.id}: a mirror that strips them, or a registry without provenance support. Nothing can be said about this package through it; for a mirror of the public registry, set the attestation registry.`,
        { extra: { registry: used } },
      );
    }
  },
};
