import { strict as assert } from 'node:assert';
import { buildHoverMarkdown } from '../../../src/providers/format/hover';
import { evidenceSpan, lineSummary, trustBadge, trustHoverLines } from '../../../src/providers/format/trust';
import { badgeFor } from '../../../src/providers/format/badge';
import type { DependencyTrust } from '../../../src/providers/state/documentState';
import { parsePolicy } from '../../../src/verify/policy';
import type { TimelineEntry, TrustAssessment } from '../../../src/verify/history/types';
import type { Verdict } from '../../../src/verify/types';
import { deps as historyDeps, noProvenance as unattested, packument } from '../history/helpers';
import { TrustHistory } from '../../../src/verify/history';
import {
  downgradeAssessment,
  nuxtEngine,
  nuxtPackument,
  nuxtUnattested,
  nuxtVerified,
  service,
  verdictOf,
  verifiedAssessment,
} from './trustFixtures';

const done = (verdict: Verdict, assessment: TrustAssessment): DependencyTrust => ({
  id: `${verdict.name}@${verdict.version}`,
  state: 'done',
  assessment,
});
const policy = (text: string) => parsePolicy(text).policy!;

/** The Markdown with its backslash escapes removed (what a reader sees, bar the markup). */
const plain = (md: string) => md.replace(/\\([!-/:-@[-`{-~])/g, '$1');

/** Link destinations in Markdown source (escaped brackets are not links). */
const hrefs = (md: string) => [...md.matchAll(/(?<!\\)\]\(([^)]*)\)/g)].map((m) => m[1]!);

describe('trust history in the hover', () => {
  it('a downgrade on nuxt: the line’s record, this version’s evidence and publisher, then the finding with its code', async () => {
    const { verdict, assessment } = await downgradeAssessment();
    const md = trustHoverLines(verdict, done(verdict, assessment)).join('\n');
    assert.match(md, /\*\*Trust history · 3\\\.x\*\*/);
    assert.match(md, /- \*\*Line\*\* \(the registry’s record\): trusted publishing since 3\\\.19\\\.0; provenance since 3\\\.11\\\.1/);
    assert.match(md, /- \*\*This version:\*\* no provenance; a registry signature only, published by danielroe/);
    assert.match(
      md,
      /- ⚠ \*\*error\*\* \[trusted\\-publisher\\-lost\]\(https:\/\/[^)]+#trust-history\): nuxt\\@3\\\.19\\\.3 was published by danielroe/,
    );
    assert.match(md, /3\\\.19\\\.2/);
    assert.deepEqual(
      hrefs(md).filter((h) => !h.startsWith('https://')),
      [],
    );
  });

  it('a verified version published through trusted publishing: no finding, its evidence worded as verified provenance plus the registry’s record', async () => {
    const { verdict, assessment } = await verifiedAssessment();
    const md = trustHoverLines(verdict, done(verdict, assessment)).join('\n');
    assert.match(md, /trusted publishing since 3\\\.19\\\.0/);
    assert.match(
      md,
      /\*\*This version:\*\* verified provenance; trusted publishing \(as the registry records it\), published by GitHub Actions/,
    );
    assert.ok(!/\*\*error\*\*|\*\*warning\*\*/.test(md), md);
  });

  it('the first version of a line with provenance: the line’s record says none before, without calling it "not a downgrade"', async () => {
    const doc = nuxtPackument();
    const engine = nuxtEngine(doc, { 'nuxt@3.11.1': nuxtVerified('3.11.1') });
    const verdict = verdictOf('nuxt', '3.11.1', nuxtVerified('3.11.1'));
    const assessment = await service(engine).assess(verdict, { history: true });
    assert.ok(
      assessment.notes.some((n) => /No earlier 3\.x version of nuxt had provenance/.test(n)),
      'the service notes it',
    );
    const md = plain(trustHoverLines(verdict, done(verdict, assessment)).join('\n'));
    assert.match(md, /- \*\*Line\*\* \(the registry’s record\): no earlier version had provenance \(43 earlier versions\)/);
    assert.match(md, /\*\*This version:\*\* verified provenance, not through trusted publishing, published by danielroe/);
    assert.doesNotMatch(md, /not a downgrade/);
  });

  it('sits under the verdict in the full hover, and is left out while the version is being re-checked', async () => {
    const { verdict, assessment } = await downgradeAssessment();
    const input = {
      name: 'nuxt',
      spec: '^3.19.0',
      section: 'dependencies',
      documentUri: 'file:///w/package.json',
      verdict,
      trust: done(verdict, assessment),
    };
    const md = buildHoverMarkdown(input);
    const title = md.indexOf('No provenance');
    const history = md.indexOf('Trust history');
    assert.ok(title >= 0 && history > title && history < md.indexOf('---'), md);
    assert.ok(!buildHoverMarkdown({ ...input, stale: true }).includes('Trust history'));
    assert.ok(!buildHoverMarkdown({ ...input, trust: undefined }).includes('Trust history'));
  });

  it('pending, unavailable and failed histories say so instead of judging', async () => {
    const verdict = verdictOf('nuxt', '3.19.3', nuxtUnattested());
    assert.match(trustHoverLines(verdict, { id: 'nuxt@3.19.3', state: 'pending' }).join('\n'), /Reading the release line’s history/);
    // the registry cannot serve the packument: the real service turns it into a note
    const engine = nuxtEngine(nuxtPackument(), {});
    engine.packuments.nuxt = new Error('GET nuxt: 503 Service Unavailable');
    const assessment = await service(engine).assess(verdict, { history: true });
    const md = trustHoverLines(verdict, done(verdict, assessment)).join('\n');
    assert.match(
      plain(md),
      /_Trust history unavailable: The history of nuxt could not be read \(GET nuxt: 503 Service Unavailable\); its earlier versions were not compared\._/,
    );
    assert.ok(!/\*\*error\*\*/.test(md));
    const failed = trustHoverLines(verdict, { id: 'nuxt@3.19.3', state: 'done', note: 'trust history unavailable: boom' }).join('\n');
    assert.match(plain(failed), /_Trust history unavailable: boom_/);
  });

  it('a finding the policy turns off is shown as not reported, with the policy’s reason', async () => {
    const p = policy(
      '{"exclude":[{"package":"nuxt@3.19.x","reason":"maintainer publish agreed in #123","findings":["trusted-publisher-lost"]}]}',
    );
    const { verdict, assessment } = await downgradeAssessment(p);
    const md = trustHoverLines(verdict, done(verdict, assessment), { errors: [], applied: true, path: '/w/.provenance-lens.json' }).join(
      '\n',
    );
    assert.match(
      plain(md),
      /- · \[trusted-publisher-lost\]\(https:\/\/[^)]+\) not reported _\(excluded by the policy \(nuxt@3\.19\.x\): maintainer publish agreed in #123\)_: nuxt@3\.19\.3 was published/,
    );
    assert.ok(!/\*\*error\*\*/.test(md));
  });

  it('a policy that is not applied (Restricted Mode, errors) is said in the hover', async () => {
    const { verdict, assessment } = await verifiedAssessment();
    const notApplied = trustHoverLines(verdict, done(verdict, assessment), {
      errors: [],
      applied: false,
      path: '/w/.provenance-lens.json',
      notApplied: 'Restricted Mode: the trust policy /w/.provenance-lens.json is not applied.',
    }).join('\n');
    assert.match(plain(notApplied), /_Restricted Mode: the trust policy \/w\/\.provenance-lens\.json is not applied\._/);
    const broken = trustHoverLines(verdict, done(verdict, assessment), {
      errors: ['severity: unknown finding code "x"'],
      applied: false,
      path: '/w/.provenance-lens.json',
    }).join('\n');
    assert.match(
      plain(broken),
      /_The trust policy \/w\/\.provenance-lens\.json is not applied: severity: unknown finding code "x"_ \(\[policy file\]\(https:\/\/[^)]+#policy-file\)\)/,
    );
  });

  it('registry strings (publishers) are escaped: no link, emphasis or HTML can be formed', async () => {
    const evil = '[click](javascript:alert(1)) <img src=x> **bold**';
    const p = packument('evil', {
      '1.0.0': { time: '2025-01-01T00:00:00Z', provenance: true, trustedPublisher: true },
      '1.0.1': { time: '2025-02-01T00:00:00Z', publisher: evil },
    });
    const { deps } = historyDeps({ evil: p });
    const verdict = unattested('evil', '1.0.1');
    const assessment = await new TrustHistory(deps).assess(verdict);
    const md = trustHoverLines(verdict, done(verdict, assessment)).join('\n');
    assert.ok(md.includes('\\[click\\]\\(javascript\\:alert\\(1\\)\\) \\<img src\\=x\\> \\*\\*bold\\*\\*'), md);
    assert.deepEqual(
      hrefs(md).filter((h) => !h.startsWith('https://')),
      [],
    );
  });

  it('the line’s record: the newest unbroken run of earlier versions with the evidence, or where it stopped', () => {
    const t = (version: string, claimed: TimelineEntry['claimed']): TimelineEntry => ({ version, claimed });
    const earlier = [
      t('1.5.0', 'registry-signature'),
      t('1.4.0', 'provenance'),
      t('1.3.0', 'trusted-publisher'),
      t('1.2.0', 'none'),
      t('1.1.0', 'provenance'),
    ];
    assert.deepEqual(evidenceSpan(earlier, 2), { first: '1.3.0', last: '1.4.0', ongoing: false });
    assert.deepEqual(evidenceSpan(earlier, 3), { first: '1.3.0', last: '1.3.0', ongoing: false });
    assert.equal(evidenceSpan([t('1.0.0', 'none')], 2), undefined);
    const a: TrustAssessment = {
      level: 'registry-signature',
      line: '1.x',
      findings: [],
      history: true,
      notes: [],
      timeline: [t('1.6.0', 'registry-signature'), ...earlier],
    };
    assert.equal(
      lineSummary(a, '1.6.0'),
      'trusted publishing in 1\\.3\\.0, not in the versions after it; provenance in 1\\.3\\.0–1\\.4\\.0, not in the versions after it (5 earlier versions)',
    );
    assert.equal(
      lineSummary({ ...a, timeline: [t('1.0.0', 'none'), t('0.9.0', 'none')] }, '1.0.0'),
      'no earlier version had provenance (1 earlier version)',
    );
    assert.equal(lineSummary({ ...a, history: false, timeline: undefined }, '1.6.0'), undefined);
  });
});

describe('trust history in the badge', () => {
  it('marks a downgrade apart from "no provenance": its own mark, the warning glyph and since which version', async () => {
    const { verdict, assessment } = await downgradeAssessment();
    const trust = done(verdict, assessment);
    assert.deepEqual(trustBadge(verdict, trust, 'full', '^3.19.0'), {
      status: 'no-provenance',
      text: '⚠ trusted publishing lost since 3.19.2 (3.19.3)',
      mark: 'downgrade',
    });
    assert.deepEqual(trustBadge(verdict, trust, 'full', '3.19.3'), {
      status: 'no-provenance',
      text: '⚠ trusted publishing lost since 3.19.2',
      mark: 'downgrade',
    });
    assert.deepEqual(trustBadge(verdict, trust, 'compact', '3.19.3'), { status: 'no-provenance', text: '⚠', mark: 'downgrade' });
    assert.equal(trustBadge(verdict, trust, 'off'), undefined);
    // without the history the ordinary badge applies
    assert.equal(badgeFor(verdict, 'full', '3.19.3')?.text, '○ no provenance');
  });

  it('provenance lost (the line had provenance, not trusted publishing)', async () => {
    const doc = nuxtPackument();
    const dist = { ...(doc.versions['3.18.1']!.dist as Record<string, unknown>) };
    delete dist.attestations;
    doc.versions['3.18.2'] = { ...structuredClone(doc.versions['3.18.1']!), version: '3.18.2', dist };
    doc.time['3.18.2'] = '2025-08-10T00:00:00.000Z';
    const engine = nuxtEngine(doc, {
      'nuxt@3.18.1': { status: 'verified', registry: 'https://registry.npmjs.org/', facts: (await verifiedAssessment()).verdict.facts! },
    });
    const verdict = verdictOf('nuxt', '3.18.2', nuxtUnattested());
    const assessment = await service(engine).assess(verdict, { history: true });
    assert.equal(trustBadge(verdict, done(verdict, assessment), 'full', '3.18.2')?.text, '⚠ provenance lost since 3.18.1');
  });

  it('no mark when the policy makes the downgrade information, turns it off, or the history is for another version', async () => {
    const old = await downgradeAssessment(policy('{"downgradeInformationAfterDays": 3}'));
    assert.equal(old.assessment.findings[0]?.severity, 'information');
    assert.equal(trustBadge(old.verdict, done(old.verdict, old.assessment), 'full'), undefined);
    const off = await downgradeAssessment(policy('{"severity":{"trusted-publisher-lost":"off"}}'));
    assert.equal(trustBadge(off.verdict, done(off.verdict, off.assessment), 'full'), undefined);
    const { verdict, assessment } = await downgradeAssessment();
    assert.equal(trustBadge({ ...verdict, version: '3.19.4' }, done(verdict, assessment), 'full'), undefined);
    assert.equal(trustBadge(verdict, { id: 'nuxt@3.19.3', state: 'pending' }, 'full'), undefined);
  });
});
