// The real Provenance Lens VSIX in a real VS Code (code-server 4.139 = VS Code 1.139), driven by
// Chromium the way a user would, against the loopback fixture registry: the recorded real-world npm
// provenance (test/fixtures/realworld) and the synthetic packages, with one merged trusted root.
//
// The workspace is a copy of demo/workspace (package.json, package-lock.json v3, .npmrc, local/),
// so this suite also proves the demo. VS Code's `http.proxySupport` is left at its default.
//
// Run: npm run test:e2e   (or: bash scripts/e2e/run.sh test/e2e/extension.e2e.ts)
// Screenshots: test-artifacts/e2e/ext-*.png; logs: test-artifacts/e2e/logs/provenance-lens/.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { step, waitFor, type ProblemEntry, type TreeItemEntry, type Workbench } from './harness';
import { badgesOn, colourClass, themeColour } from './support/badges';
import { startDemoSession, type DemoSession } from './support/session';
import { expectedLockfile } from './support/world';

const SIGSTORE_COMMIT = '06528997c3c8ab9f864fad9a3658446aca7fd86d';
const SOURCE = 'Provenance Lens';

/**
 * Expected badge per dependency line of demo/workspace/package.json (before the quick fix), its rough hue
 * and the theme colour it is drawn in. synth-evolving 1.1.0 first reads "○ no provenance" (its verdict);
 * once its release line's history is read, it lost the provenance 1.0.0 had (trust history): the final
 * badge is the downgrade one.
 */
const BADGES: { line: string; badge: string | RegExp; colour: ReturnType<typeof colourClass>; theme: string }[] = [
  { line: '"sigstore"', badge: '✓ sigstore/sigstore-js@0652899', colour: 'green', theme: 'provenanceLens.verifiedForeground' },
  { line: '"tuf-js"', badge: '✓ theupdateframework/tuf-js@99624cc', colour: 'green', theme: 'provenanceLens.verifiedForeground' },
  { line: '"@playwright/cli"', badge: '✓ microsoft/playwright-cli@d1c6d11', colour: 'green', theme: 'provenanceLens.verifiedForeground' },
  {
    line: '"@synth-scope/widget"',
    badge: /^✓ synth-scope\/widget@[0-9a-f]{7} \(2\.3\.1\)$/,
    colour: 'green',
    theme: 'provenanceLens.verifiedForeground',
  },
  {
    line: '"synth-gitlab"',
    badge: /^✓ synth-group\/synth-gitlab@[0-9a-f]{7}$/,
    colour: 'green',
    theme: 'provenanceLens.verifiedForeground',
  },
  {
    line: '"@laurentsimon/provenance-npm-test"',
    badge: '✗ invalid: provenance signature',
    colour: 'red',
    theme: 'provenanceLens.invalidForeground',
  },
  { line: '"synth-digest"', badge: '✗ invalid: digest mismatch', colour: 'red', theme: 'provenanceLens.invalidForeground' },
  { line: '"nuxt"', badge: '○ no provenance', colour: 'amber', theme: 'provenanceLens.noProvenanceForeground' },
  { line: '"synth-evolving"', badge: '⚠ provenance lost since 1.0.0', colour: 'amber', theme: 'provenanceLens.downgradeForeground' },
  { line: '"@acme/internal-utils"', badge: '? unavailable: not found', colour: 'grey', theme: 'provenanceLens.unavailableForeground' },
  { line: '"local-helpers"', badge: '· not applicable: directory', colour: 'grey', theme: 'provenanceLens.notApplicableForeground' },
];

function matchText(actual: string, expected: string | RegExp): boolean {
  return typeof expected === 'string' ? actual === expected : expected.test(actual);
}

function describeProblems(entries: ProblemEntry[]): string {
  return entries.map((p) => `${p.severity} [${p.source}/${p.code}] L${p.line}: ${p.message}`).join('\n');
}

function describeTree(items: TreeItemEntry[]): string {
  return items.map((i) => `${'  '.repeat(i.level - 1)}${i.label} — ${i.description}`).join('\n');
}

/** No error toast on screen (a user would see it). */
async function assertNoErrorToasts(wb: Workbench): Promise<void> {
  const errors = (await wb.notifications()).filter((n) => n.severity === 'error');
  assert.deepEqual(errors, [], `error notifications: ${errors.map((e) => e.message).join(' | ')}`);
}

describe('Provenance Lens in VS Code: badges, hovers, Problems, quick fix, scan view, status bar', { timeout: 600_000 }, () => {
  let demo: DemoSession | undefined;
  const t0 = Date.now();
  const since = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
  const wb = (): Workbench => demo!.session.workbench;

  before(async () => {
    demo = await startDemoSession({ name: 'provenance-lens', onStep: (what) => console.log(`# ${what} after ${since()}`) });
  });

  after(async () => {
    await demo?.close();
    console.log(`# suite finished after ${since()}`);
  });

  it('the workspace lockfile records exactly what the registry serves', async () => {
    const onDisk = JSON.parse(await readFile(path.join(demo!.workspace, 'package-lock.json'), 'utf8')) as unknown;
    assert.deepEqual(
      onDisk,
      await expectedLockfile(demo!.workspace, demo!.world.url),
      'demo/workspace/package-lock.json is stale: node --import tsx test/e2e/support/world.ts --write-lockfile',
    );
  });

  it('shows a badge on every dependency: verified, invalid, no provenance, unavailable, not applicable', async () => {
    await step(demo?.session, 'ext-badges', async () => {
      await wb().openFile('package.json');
      // While the first verification runs the badges read "…" (pending); whether that is still on screen
      // when we look depends on timing, so it is only reported, not asserted.
      const first = await badgesOn(wb(), '"sigstore"').catch(() => []);
      if (first.some((b) => b.text === '…')) {
        console.log('# pending badge "…" seen while verifying');
        await wb().screenshot('ext-01-pending');
      }
      for (const { line, badge } of BADGES) await wb().waitForDecoration(line, badge, 60_000);
      for (const { line, badge, colour, theme } of BADGES) {
        const rendered = await badgesOn(wb(), line);
        assert.equal(rendered.length, 1, `one badge on ${line}: ${JSON.stringify(rendered)}`);
        assert.ok(matchText(rendered[0]!.text, badge), `${line}: badge "${rendered[0]!.text}", expected ${badge}`);
        assert.equal(colourClass(rendered[0]!.color), colour, `${line}: badge colour ${rendered[0]!.color}`);
        assert.equal(rendered[0]!.color, await themeColour(wb(), theme), `${line}: badge colour ${rendered[0]!.color} is ${theme}`);
      }
      // The downgrade has its own colour (editorWarning.foreground by default), not the no-provenance one.
      assert.notEqual(
        await themeColour(wb(), 'provenanceLens.downgradeForeground'),
        await themeColour(wb(), 'provenanceLens.noProvenanceForeground'),
      );
      // The package.json's own lines carry no badge.
      assert.deepEqual(await badgesOn(wb(), '"name": "provenance-lens-demo"'), []);
      await assertNoErrorToasts(wb());
      await wb().screenshot('ext-02-badges');
    });
  });

  it('hovering a verified dependency shows its source commit, workflow and build run links', async () => {
    await step(demo?.session, 'ext-hover', async () => {
      const hover = await wb().hover({ line: '"sigstore"', token: '1.0.0' }, { expect: 'Verified provenance' });
      const ours = hover.sections.find((s) => s.includes('Verified provenance'));
      assert.ok(ours, hover.text);
      assert.match(ours, /✓ Verified provenance · sigstore@1\.0\.0/);
      assert.match(ours, /Exact version 1\.0\.0, from the lockfile \(package-lock\.json\)/);
      assert.match(ours, /Source: sigstore\/sigstore-js at commit 0652899/);
      assert.match(ours, /Workflow: .*\.github\/workflows\/publish\.yml/);
      assert.match(ours, /Build run: run 4137028816/);
      const hrefs = hover.links.map((l) => l.href);
      assert.ok(hrefs.includes(`https://github.com/sigstore/sigstore-js/commit/${SIGSTORE_COMMIT}`), `links: ${hrefs.join(' ')}`);
      assert.ok(
        hrefs.includes(`https://github.com/sigstore/sigstore-js/blob/${SIGSTORE_COMMIT}/.github/workflows/publish.yml`),
        `workflow link missing: ${hrefs.join(' ')}`,
      );
      assert.ok(
        hrefs.some((h) => /^https:\/\/github\.com\/sigstore\/sigstore-js\/actions\/runs\/4137028816(\/attempts\/1)?$/.test(h)),
        `run link missing: ${hrefs.join(' ')}`,
      );
      assert.equal(hover.links.find((l) => l.href.endsWith(`/commit/${SIGSTORE_COMMIT}`))?.text, '0652899');
      await wb().screenshot('ext-03-hover-verified');
      await wb().closeHover();

      const invalid = await wb().hover(
        { line: '"@laurentsimon/provenance-npm-test"', token: '1.0.5' },
        { expect: 'Provenance check failed' },
      );
      const section = invalid.sections.find((s) => s.includes('Provenance check failed'));
      assert.ok(section, invalid.text);
      assert.match(section, /✗ Provenance check failed · @laurentsimon\/provenance-npm-test@1\.0\.5/);
      assert.match(section, /Reason: invalid-provenance-signature/);
      await wb().screenshot('ext-04-hover-invalid');
      await wb().closeHover();
    });
  });

  it('Problems lists the invalid ones and the trust downgrade as errors, the ones without provenance as information', async () => {
    await step(demo?.session, 'ext-problems', async () => {
      const ours = (entries: ProblemEntry[]) => entries.filter((p) => p.source === SOURCE);
      const all = await waitFor(
        async () => {
          const entries = ours(await wb().problems());
          // The trust-history finding comes after the verdicts: wait for it too.
          return entries.length >= 6 && entries.some((p) => p.code === 'provenance-lost') ? entries : undefined;
        },
        { timeout: 30_000, message: 'Provenance Lens problems' },
      ).catch(async (e: Error) => {
        throw new Error(`${e.message}\n${describeProblems(await wb().problems())}`);
      });
      const find = (pred: (p: ProblemEntry) => boolean, what: string) => {
        const hit = all.find(pred);
        assert.ok(hit, `${what} not in Problems:\n${describeProblems(all)}`);
        return hit;
      };
      const invalid = find(
        (p) => p.message.startsWith('@laurentsimon/provenance-npm-test@1.0.5: provenance check failed'),
        'the invalid real-world package',
      );
      assert.equal(invalid.severity, 'error');
      assert.equal(invalid.code, 'invalid-provenance-signature');
      assert.ok(invalid.file?.endsWith('package.json'), invalid.file);
      const digest = find((p) => p.message.startsWith('synth-digest@1.0.0: provenance check failed'), 'the invalid synthetic package');
      assert.equal(digest.severity, 'error');
      assert.equal(digest.code, 'subject-digest-mismatch');
      for (const name of ['nuxt@3.0.0', 'synth-evolving@1.1.0']) {
        const p = find((e) => e.code === 'no-provenance' && e.message.startsWith(`${name} was published without provenance`), name);
        assert.equal(p.severity, 'info', name);
      }
      // synth-evolving 1.1.0 lost the provenance 1.0.0 had: a trust-history finding on the same line.
      const lost = find((p) => p.code === 'provenance-lost', 'the provenance-lost finding');
      assert.equal(lost.severity, 'error');
      assert.match(
        lost.message,
        /^synth-evolving@1\.1\.0 was published without provenance .*but 1\.0\.0, the newest earlier 1\.x version with stronger evidence, had provenance/,
      );
      assert.equal(lost.line, find((p) => p.code === 'no-provenance' && p.message.startsWith('synth-evolving@'), 'synth-evolving').line);
      const unavailable = find((p) => /could not be checked/.test(p.message), 'the unavailable notice');
      assert.equal(unavailable.severity, 'info');
      assert.match(unavailable.message, /@acme\/internal-utils@2\.4\.1/);
      // Verified and not-applicable dependencies raise nothing; nothing but these six.
      assert.equal(all.length, 6, describeProblems(all));
      assert.equal(all.filter((p) => p.severity === 'error').length, 3, describeProblems(all));
      await wb().screenshot('ext-05-problems');
    });
  });

  it('the status bar shows verified/total and the invalid count', async () => {
    await step(demo?.session, 'ext-status', async () => {
      await wb().openFile('package.json');
      const item = await wb().waitForStatusBarItem(/Provenance 5\/11 · 2 invalid/, 30_000);
      assert.match(item.ariaLabel, /5 of 11 dependencies verified/);
    });
  });

  it('the quick fix rewrites a version without provenance to the verified one the rule picks', async () => {
    await step(demo?.session, 'ext-quickfix', async () => {
      await wb().openFile('package.json');
      const target = { line: '"synth-evolving"', token: '1.1.0' };
      // synth-evolving: 1.0.0 verified, 1.1.0 no provenance, 1.2.0 verified (another repository),
      // 2.0.0 verified, 2.1.0 invalid. "1.1.0" is exact: nothing else is in range, so the nearest newer
      // verified version wins: 1.2.0.
      const offered = await waitFor(
        async () => {
          const titles = await wb().codeActions(target);
          return titles.some((t) => t.startsWith('Use 1.2.0 — verified provenance')) && titles.some((t) => t.startsWith('Use 1.0.0'))
            ? titles
            : undefined;
        },
        { timeout: 45_000, interval: 1_000, message: 'quick fixes "Use 1.2.0" and "Use 1.0.0"' },
      );
      // 1.1.0 has no provenance to compare with, so the title compares with the newest verified (2.0.0).
      assert.ok(offered.includes('Use 1.2.0 — verified provenance (different repository from 2.0.0)'), offered.join(' | '));
      // Beside it, the trust-history fix back to the line's own verified 1.0.0 (trust-history.e2e.ts applies it).
      assert.ok(offered.includes('Use 1.0.0 — keeps provenance in 1.x'), offered.join(' | '));
      // ... and it comes first (the preferred fix): the plain suggestion is a build from another repository.
      assert.ok(
        offered.indexOf('Use 1.0.0 — keeps provenance in 1.x') <
          offered.indexOf('Use 1.2.0 — verified provenance (different repository from 2.0.0)'),
        offered.join(' | '),
      );
      assert.ok(!offered.some((t) => /^Use 2\.0\.0/.test(t)), `only the rule's version is offered: ${offered.join(' | ')}`);
      // What the user sees: the light-bulb menu (Ctrl+.) with the fix.
      await wb().clickText(target);
      await wb().page.keyboard.press('Control+.');
      await wb()
        .page.locator('.action-widget .monaco-list-row.action', { hasText: 'Use 1.2.0' })
        .first()
        .waitFor({ state: 'visible', timeout: 10_000 });
      await wb().screenshot('ext-06-quickfix-menu');
      await wb().page.keyboard.press('Escape');
      await wb().quickFix(target, /^Use 1\.2\.0 — verified provenance/);
      const text = await wb().editorText();
      assert.match(text, /"synth-evolving": "1\.2\.0"/);
      assert.doesNotMatch(text, /"synth-evolving": "1\.1\.0"/);
      // The lockfile still installs 1.1.0 until the install runs: the badge keeps judging what gets
      // installed, names that version, and the hover says why.
      await wb().waitForDecoration('"synth-evolving"', '⚠ provenance lost since 1.0.0 (1.1.0)', 30_000);
      const stale = await wb().hover({ line: '"synth-evolving"', token: '1.2.0' }, { expect: 'out of date' });
      assert.match(stale.text, /package-lock\.json is out of date: it locks 1\.1\.0, which does not satisfy "1\.2\.0"/);
      await wb().screenshot('ext-07-quickfix-applied-lockfile-stale');
      await wb().closeHover();
      // Save, and "npm install": the lockfile now locks 1.2.0 with the registry's integrity.
      await wb().page.keyboard.press('Control+S');
      await waitFor(async () => /"synth-evolving": "1\.2\.0"/.test(await readFile(path.join(demo!.workspace, 'package.json'), 'utf8')), {
        message: 'package.json saved',
      });
      await writeFile(
        path.join(demo!.workspace, 'package-lock.json'),
        `${JSON.stringify(await expectedLockfile(demo!.workspace, demo!.world.url), null, 2)}\n`,
      );
      // 1.2.0 verifies, but was built from another repository (synth-fork) than 1.0.0, the line's previous
      // verified version (synth-org): once the trust history is read, the badge says so instead of a ✓.
      await wb().waitForDecoration('"synth-evolving"', '⚠ source repository changed since 1.0.0', 60_000);
      await wb().waitForStatusBarItem(/Provenance 6\/11 · 2 invalid/, 30_000);
      await wb().screenshot('ext-07-quickfix-applied');
    });
  });

  it('Provenance: Scan Workspace from the palette fills the Provenance view, grouped by status, trust findings first', async () => {
    await step(demo?.session, 'ext-scan', async () => {
      await wb().runCommand('Provenance: Scan Workspace');
      const done = await wb().waitForNotification(/^Provenance: \d+ of \d+ verified/, 60_000);
      assert.match(done.message, /^Provenance: 6 of 11 verified, 2 invalid, in 2 package\.json files\.$/);
      // The verdicts are listed first; the trust history is judged after them ("judging n of m…" on the
      // Trust findings group until it is done): wait for the final tree.
      const judged = (i: TreeItemEntry[]) =>
        i.some((x) => x.label === 'Invalid (2)') &&
        i.some((x) => /^Trust findings \(\d+\)$/.test(x.label) && !/judging/.test(x.description));
      let items = await wb().waitForTree('Provenance', judged, 60_000);
      const groups = items.filter((i) => i.level === 1).map((i) => i.label);
      // synth-evolving is now 1.2.0, built from synth-fork where 1.0.0 was built from synth-org.
      assert.deepEqual(
        groups,
        ['Trust findings (1)', 'Invalid (2)', 'No provenance (1)', 'Unavailable (1)', 'Verified (6)', 'Not applicable (1)'],
        describeTree(items),
      );
      // Problems first and expanded; verified and not applicable collapsed until opened.
      for (const g of items.filter((i) => i.level === 1)) {
        assert.equal(g.expanded, !/^(Verified|Not applicable)/.test(g.label), `${g.label} expanded=${g.expanded}`);
      }
      await wb().toggleTreeItem('Provenance', 'Verified (6)');
      await wb().toggleTreeItem('Provenance', 'Not applicable (1)');
      // 11 packages, and synth-evolving once more under Trust findings.
      items = await wb().waitForTree('Provenance', (i) => i.filter((x) => x.level === 2).length === 12, 15_000);
      const children = (group: string) => {
        const start = items.findIndex((i) => i.label === group);
        const out: TreeItemEntry[] = [];
        for (const i of items.slice(start + 1)) {
          if (i.level === 1) break;
          if (i.level === 2) out.push(i);
        }
        return out.map((i) => `${i.label} ${i.description}`);
      };
      const tree = describeTree(items);
      const forked = /^synth-evolving@1\.2\.0 ⚠ source-repository-changed · ✓ synth-fork\/synth-evolving@[0-9a-f]{7}$/;
      const flagged = children('Trust findings (1)');
      assert.equal(flagged.length, 1, tree);
      assert.match(flagged[0]!, forked, tree);
      assert.deepEqual(
        children('Invalid (2)'),
        ['@laurentsimon/provenance-npm-test@1.0.5 ✗ provenance signature', 'synth-digest@1.0.0 ✗ digest mismatch'],
        tree,
      );
      assert.deepEqual(children('No provenance (1)'), ['nuxt@3.0.0 ○ not advertised'], tree);
      assert.deepEqual(children('Unavailable (1)'), ['@acme/internal-utils@2.4.1 ? not found'], tree);
      const verified = children('Verified (6)');
      assert.equal(verified.length, 6, tree);
      assert.ok(verified.includes('sigstore@1.0.0 ✓ sigstore/sigstore-js@0652899'), tree);
      assert.ok(
        verified.some((v) => forked.test(v)),
        `the scan reads the edited buffer, and marks the finding where the package is listed: ${tree}`,
      );
      assert.deepEqual(children('Not applicable (1)'), ['local-helpers@0.1.0 · directory'], tree);
      // The scan's progress notification goes away once it is done.
      await waitFor(async () => !(await wb().notifications()).some((n) => /scanning workspace/.test(n.message)), {
        timeout: 15_000,
        message: 'the "scanning workspace" progress notification to close',
      });
      await assertNoErrorToasts(wb());
      await wb().screenshot('ext-08-scan-view');
      await wb().clearNotifications();
    });
  });

  it('pointing the registry at a mirror that strips provenance shows the mirror notice', async () => {
    await step(demo?.session, 'ext-mirror', async () => {
      // The workspace's own settings (.vscode/settings.json, as a team would commit them) point the
      // default registry at the fixture registry's /mirror/, with no attestation registry to fall back on.
      await mkdir(path.join(demo!.workspace, '.vscode'), { recursive: true });
      await writeFile(
        path.join(demo!.workspace, '.vscode', 'settings.json'),
        `${JSON.stringify({ 'provenanceLens.registry': `${demo!.world.url}/mirror/`, 'provenanceLens.attestationRegistry': '' }, null, 2)}\n`,
      );
      await wb().openFile('package.json');
      const notice = await wb().waitForNotification(/serves packages without provenance or signatures/, 60_000);
      assert.equal(notice.severity, 'warning');
      assert.ok(notice.message.includes(`${demo!.world.url}/mirror/`), notice.message);
      assert.match(notice.message, /provenanceLens\.attestationRegistry/);
      await wb().waitForDecoration('"sigstore"', /^\? unavailable: /, 60_000);
      const mirror = await wb().waitForProblem((p) => p.source === SOURCE && p.code === 'mirror-stripped', 30_000);
      assert.equal(mirror.severity, 'warning');
      assert.match(mirror.message, /serves packages without provenance or registry signatures/);
      // The @laurentsimon scope still comes from its own registry (.npmrc), so it is still judged.
      await wb().waitForDecoration('"@laurentsimon/provenance-npm-test"', '✗ invalid: provenance signature');
      await wb().screenshot('ext-09-mirror');
    });
  });
});
