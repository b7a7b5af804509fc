/**
 * The attestations: fetched from the judged registry, verified (Sigstore, statements about exactly this
 * name, version and sha512), and endorsed by the registry itself.
 */
import type { Step } from './context';
import { invalid, throwIfAborted, unavailable } from './error';

export const attestations: Step = {
  name: 'attestations',
  async run(s, ctx) {
    const used = ctx.used!;
    if (ctx.keys === null || ctx.keys === undefined) {
      throw unavailable(
        'no-registry-keys',
        `${used} advertises attestations for ${ctx.id} but publishes no signing keys (/-/npm/v1/keys answers 404), so its publish attestation cannot be checked. Give the registry's keys with the npm keys file setting.`,
        { extra: { registry: used } },
      );
    }
    const pin = ctx.pin!;
    if (pin.kind !== 'sha512') {
      // Statements are about one sha512; the installer checks none here (sha1 only, or a sha512 spelled
      // in a base64 no digest string ever equals).
      throw invalid(
        'subject-digest-mismatch',
        `${ctx.registry} serves an integrity for ${ctx.id} with no sha512 the installer would check, so the provenance (about a sha512) cannot be tied to what is installed.`,
      );
    }
    throwIfAborted(ctx.signal);
    if (s.log.debugEnabled !== false) s.log.debug(`${ctx.id}: GET attestations from ${used}`);
    const document = await s.client.getAttestations(ctx.name, ctx.version, { signal: ctx.signal, registry: used });
    if (document === null) {
      throw invalid(
        'attestations-missing',
        `${used} advertises attestations for ${ctx.id}, but its attestations endpoint has none (404). Provenance that is promised but missing is not verified.`,
      );
    }
    throwIfAborted(ctx.signal);
    const result = await s.attestations.verify({
      name: ctx.name,
      version: ctx.version,
      // Exactly the one sha512 the installer accepts (registryPin refused anything else).
      integrity: `sha512-${pin.digest}`,
      document,
      trustedRoot: ctx.trust!.trustedRoot,
      npmKeys: ctx.keys,
    });
    if (!result.ok) {
      s.log.info(`${ctx.id}: invalid (${result.code}): ${result.message}`);
      throw invalid(result.code, result.message);
    }
    ctx.provenance = { facts: result.facts, publishAttestation: result.publishAttestation };
    ctx.signedTime = result.facts.transparencyLog.integratedTime;
  },
};

/**
 * Anyone's workflow can produce a provenance bundle for any package name: only the registry's word — its
 * publish attestation, or a valid registry signature — says that this name, version and sha512 is what
 * it publishes.
 */
export const registryEndorsement: Step = {
  name: 'registry endorsement',
  run(_s, ctx) {
    if (ctx.provenance?.publishAttestation || ctx.registrySignature?.status === 'valid') return;
    throw unavailable(
      'registry-endorsement-missing',
      `${ctx.used} serves provenance for ${ctx.id}, but neither an npm publish attestation nor a valid registry signature: nothing from the registry itself says it published this tarball (registry signature: ${ctx.registrySignature?.status ?? 'none'}). Provenance alone can be made by anyone's workflow for any name, so nothing is claimed.`,
    );
  },
};
