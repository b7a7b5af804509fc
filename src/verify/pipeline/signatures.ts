/**
 * The registry's own signatures (`dist.signatures`), and the time a signing key's validity is judged at:
 * the signed transparency-log time when the version has verified attestations, else (signatures only)
 * the registry's unsigned packument time, fetched only when a key in play has an expiry.
 */
import { verifyRegistrySignatures } from '../signatures';
import type { InvalidCode, RegistrySignature, Verdict } from '../types';
import {
  hasAttestations,
  hasSignatures,
  knownFields,
  requestFields,
  type PipelineServices,
  type Step,
  type VerifyContext,
} from './context';
import { invalid, unavailable } from './error';
import { isRecord } from '../util/guards';

type KeyTime = NonNullable<Verdict['keyValidityTime']>;

/** Check the signatures (at `time` when given); record the result; throw when they fail. */
function judge(ctx: VerifyContext, time?: KeyTime): RegistrySignature {
  const dist = ctx.doc!.dist;
  const integrity = typeof dist?.integrity === 'string' ? dist.integrity : ctx.integrity!;
  const rs = verifyRegistrySignatures(
    { name: ctx.name, version: ctx.version, integrity, signatures: dist?.signatures, publishTime: time ? new Date(time.time) : undefined },
    ctx.keys ?? null,
  );
  ctx.registrySignature = rs;
  if (time && hasSignatures(dist)) ctx.keyValidityTime = time;
  if (rs.status === 'invalid' || rs.status === 'unknown-key' || rs.status === 'expired-key') {
    const code: InvalidCode =
      rs.status === 'invalid'
        ? 'invalid-registry-signature'
        : rs.status === 'unknown-key'
          ? 'unknown-registry-key'
          : 'expired-registry-key';
    throw invalid(code, rs.message);
  }
  return rs;
}

/** Whether a key that signed this version has an expiry (then its validity depends on the publish time). */
function keyHasExpiry(ctx: VerifyContext): boolean {
  const used = new Set<string>();
  const sigs = ctx.doc!.dist?.signatures;
  if (Array.isArray(sigs)) for (const s of sigs) if (isRecord(s) && typeof s.keyid === 'string') used.add(s.keyid);
  return (ctx.keys ?? []).some((k) => k.validUntil !== undefined && used.has(k.keyId));
}

/** The registry's (unsigned) publish time, for a key with an expiry when no signed time exists. */
async function registryTime(s: PipelineServices, ctx: VerifyContext): Promise<KeyTime> {
  const used = ctx.used!;
  let time: string | undefined;
  try {
    time = (await s.publishTimesOf(ctx.name, used, ctx.signal))?.[ctx.version];
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw unavailable(
      'registry-error',
      `The publish time of ${ctx.id} is needed to check its signing key's validity, but could not be fetched: ${message}`,
      {
        extra: { registry: used },
      },
    );
  }
  if (!time)
    throw unavailable(
      'malformed-response',
      `${used} gives no publish time for ${ctx.id}, which is needed to check its signing key's validity.`,
      { extra: { registry: used } },
    );
  ctx.registryPublishTime = time;
  return { time, source: 'registry' };
}

/** Signatures that do not verify, or name an unknown key, fail whatever the time. */
export const registrySignaturesPrecheck: Step = {
  name: 'registry signatures',
  run(_s, ctx) {
    judge(ctx);
  },
};

/** Published without attestations: the registry signature (at the registry's publish time) is all there is. */
export const noProvenance: Step = {
  name: 'no provenance',
  async run(s, ctx) {
    if (hasAttestations(ctx.doc!.dist)) return;
    judge(ctx, keyHasExpiry(ctx) ? await registryTime(s, ctx) : undefined);
    const where = ctx.attestationRegistry ? `${ctx.attestationRegistry} (asked because ${ctx.registry} strips provenance)` : ctx.used;
    return {
      ...requestFields(ctx),
      ...knownFields(ctx),
      status: 'no-provenance',
      reason: {
        code: 'not-advertised',
        message: `${ctx.id} was published without provenance: ${where} advertises no attestations for it.`,
      },
    };
  },
};

/** After the attestations verified: the signatures' keys judged at the signed transparency-log time. */
export const registrySignatureTime: Step = {
  name: 'registry signature time',
  async run(s, ctx) {
    if (ctx.signedTime) judge(ctx, { time: ctx.signedTime, source: 'transparency-log' });
    else judge(ctx, keyHasExpiry(ctx) ? await registryTime(s, ctx) : undefined);
  },
};
