/**
 * The verified verdict: every fact from the signed provenance, the publish time from the signed
 * transparency-log entry.
 */
import type { Step } from './context';
import { knownFields, requestFields } from './context';

export const facts: Step = {
  name: 'facts',
  run(s, ctx) {
    const provenance = ctx.provenance!;
    const facts = { ...provenance.facts };
    if (ctx.signedTime) facts.publishTime = ctx.signedTime;
    else delete facts.publishTime;
    s.log.info(`${ctx.id}: verified — built from ${facts.sourceRepository}@${facts.sourceCommit.slice(0, 7)} by ${facts.workflowPath}`);
    return { ...requestFields(ctx), ...knownFields(ctx), registry: ctx.registry, status: 'verified', facts };
  },
};
