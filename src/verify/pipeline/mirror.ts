/**
 * A mirror that strips provenance: ask the attestation registry, and insist it serves the same tarball
 * (the same single sha512, read as the installer reads it).
 */
import { registryPin, samePin } from '../integrity';
import { RegistryError } from '../registry';
import { hasAttestations, hasSignatures, type Step, type VersionDoc } from './context';
import { invalid, unavailable } from './error';
import { documentCaching } from './document';

export const mirrorFallback: Step = {
  name: 'mirror fallback',
  async run(s, ctx) {
    const doc = ctx.doc!;
    const alt = s.attestationRegistry;
    if (hasSignatures(doc.dist) || hasAttestations(doc.dist) || !alt || alt === ctx.registry) return;
    s.log.debug(`${ctx.id}: ${ctx.registry} serves no signatures or attestations; asking ${alt}`);
    let altDoc: VersionDoc;
    try {
      altDoc = (await s.client.getVersion(ctx.name, ctx.version, {
        signal: ctx.signal,
        registry: alt,
        cache: documentCaching(s, ctx),
      })) as VersionDoc;
    } catch (err) {
      if (err instanceof RegistryError && err.code === 'not-found') {
        ctx.notPublic = true;
        s.log.debug(`${ctx.id}: not on ${alt}; judging by ${ctx.registry} alone`);
        return;
      }
      if (err instanceof RegistryError) {
        throw unavailable(
          'mirror-stripped',
          `${ctx.registry} serves no registry signatures or attestations for ${ctx.id} (a mirror that strips them?), and the attestation registry ${alt} could not be reached: ${err.message}`,
        );
      }
      throw err;
    }
    const altIntegrity = typeof altDoc.dist?.integrity === 'string' ? altDoc.dist.integrity : undefined;
    const altPin = registryPin(altIntegrity, altDoc.dist?.shasum);
    if (altPin.kind === 'ambiguous') {
      throw invalid(
        'ambiguous-integrity',
        `The attestation registry ${alt} serves an integrity for ${ctx.id} that does not pin one tarball: ${altPin.message}.`,
        {
          extra: { attestationRegistry: alt },
        },
      );
    }
    if (!samePin(ctx.pin!, altPin)) {
      throw invalid(
        'registry-integrity-mismatch',
        `${ctx.registry} and ${alt} serve different contents for ${ctx.id} (integrity ${(ctx.integrity ?? '').slice(0, 24)}… vs ${(altIntegrity ?? 'none').slice(0, 24)}…). The package you install is not the one published there.`,
        { extra: { attestationRegistry: alt } },
      );
    }
    ctx.doc = altDoc;
    ctx.used = alt;
    ctx.attestationRegistry = alt;
  },
};
