// Trust history in a real VS Code (code-server 4.139 = VS Code 1.139), driven by Chromium the way a user
// would, on a copy of demo/workspace against the fixture registry (support/world.ts).
//
// synth-evolving's 1.x line: 1.0.0 has verified provenance (built from synth-org/synth-evolving), 1.1.0
// (the demo's version) none, 1.2.0 verified but built from a fork (synth-fork). So 1.1.0 lost the
// provenance its line had: once its release line's history is read, the badge becomes
// "⚠ provenance lost since 1.0.0" in the downgrade colour, the hover gets a "Trust history · 1.x" block,
// Problems an error `provenance-lost`, and the quick fix "Use 1.0.0 — keeps provenance in 1.x" (the same
// source repository; not the fork's 1.2.0). A `.provenance-lens.json` written next to package.json
// changes the finding's severity without reopening the file.
//
// Run: bash scripts/e2e/run.sh test/e2e/trust-history.e2e.ts
// Screenshots: test-artifacts/e2e/trust-*.png (trust-02-hover, trust-03-problems and trust-05-quickfix-menu
// are the README's docs/screenshots/trust-{hover,problems,quickfix}.png); logs: test-artifacts/e2e/logs/provenance-lens-trust/.
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { step, waitFor, type ProblemEntry, type Workbench } from './harness';
import { badgesOn, colourClass, themeColour } from './support/badges';
import { startDemoSession, type DemoSession } from './support/session';
import { expectedLockfile } from './support/world';

declare const document: any;

const SOURCE = 'Provenance Lens';
const LINE = '"synth-evolving"';
const VERSION = { line: LINE, token: '1.1.0' };
const DOWNGRADE_BADGE = '⚠ provenance lost since 1.0.0';
const FIX_TITLE = 'Use 1.0.0 — keeps provenance in 1.x';
/** synth-evolving is on line 12 of demo/workspace/package.json. */
const EVOLVING_LINE_NUMBER = 12;

function describeProblems(entries: ProblemEntry[]): string {
  return entries.map((p) => `${p.severity} [${p.source}/${p.code}] L${p.line}: ${p.message}`).join('\n');
}

/** Our Problems entries for the synth-evolving line. */
async function evolvingProblems(wb: Workbench): Promise<ProblemEntry[]> {
  return (await wb.problems()).filter((p) => p.source === SOURCE && p.line === EVOLVING_LINE_NUMBER);
}

/** Waits until the synth-evolving line's `provenance-lost` entry satisfies `pred` (e.g. a severity). */
async function waitForLostEntry(wb: Workbench, pred: (p: ProblemEntry) => boolean, what: string, timeout = 30_000): Promise<ProblemEntry> {
  let last: ProblemEntry[] = [];
  return waitFor(
    async () => {
      last = await evolvingProblems(wb);
      return last.find((p) => p.code === 'provenance-lost' && pred(p));
    },
    { timeout, interval: 500, message: what },
  ).catch((e: Error) => {
    throw new Error(`${e.message}\n${describeProblems(last)}`);
  });
}

/** Page side: where the element whose text starts with `text` sits inside the visible hover's scrolled area. */
function hoverOffsetOf(text: string): { top: number; hoverTop: number; hoverBottom: number } | null {
  const hover = Array.from(document.querySelectorAll('.monaco-hover:not(.hidden)')).find((h: any) => h.offsetParent !== null) as any;
  if (!hover) return null;
  const box = hover.getBoundingClientRect();
  const el = (Array.from(hover.querySelectorAll('p, strong, li')) as any[]).find((e) => String(e.textContent).trim().startsWith(text));
  if (!el) return null;
  return { top: el.getBoundingClientRect().top, hoverTop: box.top, hoverBottom: box.bottom };
}

/**
 * Scrolls the open hover with the mouse wheel (as a user would) until the line starting with `text` is near
 * its top, or the hover cannot scroll further. Returns whether that line is inside the hover's visible box.
 */
async function scrollHoverTo(wb: Workbench, text: string): Promise<boolean> {
  const hover = wb.page.locator('.monaco-hover:not(.hidden)').first();
  const box = await hover.boundingBox();
  if (!box) return false;
  await wb.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
  let previous = Number.NaN;
  for (let i = 0; i < 40; i++) {
    const at = await wb.page.evaluate(hoverOffsetOf, text);
    if (!at) return false;
    if (at.top - at.hoverTop < 40 || at.top === previous) return at.top >= at.hoverTop && at.top < at.hoverBottom;
    previous = at.top;
    await wb.page.mouse.wheel(0, Math.min(60, at.top - at.hoverTop - 30));
    await wb.page.waitForTimeout(50); // let the scrollable element render the new position
  }
  return false;
}

describe('Provenance Lens in VS Code: trust history (badge, hover, Problems, policy, downgrade quick fix)', { timeout: 600_000 }, () => {
  let demo: DemoSession | undefined;
  const wb = (): Workbench => demo!.session.workbench;
  const policyFile = () => path.join(demo!.workspace, '.provenance-lens.json');

  before(async () => {
    demo = await startDemoSession({ name: 'provenance-lens-trust' });
    await wb().openFile('package.json');
  });

  after(async () => {
    await demo?.close();
  });

  it('synth-evolving 1.1.0 lost the provenance its line had: the badge says so, in the downgrade colour', () =>
    step(demo?.session, 'trust-badge', async () => {
      // The verdict comes first ("○ no provenance"); the release line's history after every verdict is in.
      await wb().waitForDecoration(LINE, DOWNGRADE_BADGE, 90_000);
      const [badge, ...more] = await badgesOn(wb(), LINE);
      assert.equal(more.length, 0, 'one badge on the line');
      assert.equal(badge!.text, DOWNGRADE_BADGE);
      const downgrade = await themeColour(wb(), 'provenanceLens.downgradeForeground');
      const noProvenance = await themeColour(wb(), 'provenanceLens.noProvenanceForeground');
      assert.notEqual(downgrade, noProvenance, 'the light theme gives the downgrade its own colour');
      assert.equal(badge!.color, downgrade, `badge colour ${badge!.color}, downgradeForeground ${downgrade}`);
      // The default: editorWarning.foreground.
      assert.equal(downgrade, await themeColour(wb(), 'editorWarning.foreground'));
      assert.equal(colourClass(badge!.color), 'amber', badge!.color);
      // nuxt 3.0.0 is the first 3.x version: nothing was lost, it keeps the plain no-provenance badge.
      const [nuxt] = await badgesOn(wb(), '"nuxt"');
      assert.equal(nuxt?.text, '○ no provenance');
      assert.equal(nuxt?.color, noProvenance);
      await wb().screenshot('trust-01-badge');
    }));

  it('the hover adds the release line’s trust history: provenance since 1.0.0, and the provenance-lost finding', () =>
    step(demo?.session, 'trust-hover', async () => {
      const hover = await wb().hover(VERSION, { expect: /Trust history · 1\.x[\s\S]*provenance since 1\.0\.0/, timeout: 45_000 });
      const ours = hover.sections.find((s) => s.includes('synth-evolving@1.1.0') && s.includes('Trust history'));
      assert.ok(ours, `no Provenance Lens section with the trust history in: ${hover.sections.join('\n---\n')}`);
      assert.match(ours, /○ No provenance · synth-evolving@1\.1\.0/);
      const history = ours.slice(ours.indexOf('Trust history · 1.x'));
      assert.match(history, /Line \(the registry’s record\): provenance since 1\.0\.0 \(1 earlier version\)/);
      assert.match(history, /This version: no provenance; a registry signature only/);
      assert.match(
        history,
        /⚠ error provenance-lost: synth-evolving@1\.1\.0 was published without provenance \(a registry signature only\), but 1\.0\.0, the newest earlier 1\.x version with stronger evidence, had provenance/,
      );
      const docs = hover.links.find((l) => l.text === 'provenance-lost');
      assert.ok(docs, `the finding code links to its explanation: ${JSON.stringify(hover.links)}`);
      assert.match(docs.href, /#trust-history$/);
      // For the screenshot: the other hover parts done too (the npm extension's "Loading…", VS Code's
      // "Checking for quick fixes…"). Cosmetic, so only reported when they do not finish.
      await waitFor(
        async () => {
          const shown = await wb().page.locator('.monaco-hover:not(.hidden)').allInnerTexts();
          return shown.some((t) => t.includes('Trust history')) && !shown.some((t) => /Loading|Checking for quick fixes/.test(t));
        },
        { timeout: 20_000, interval: 200, message: 'the hover to finish loading' },
      ).catch((e: Error) => console.log(`# screenshot taken anyway: ${e.message}`));
      assert.ok(await scrollHoverTo(wb(), 'Trust history'), 'the trust history block scrolled into view in the hover');
      await wb().screenshot('trust-02-hover');
      await wb().closeHover();
    }));

  it('Problems has an error provenance-lost on the synth-evolving line, next to the no-provenance information', () =>
    step(demo?.session, 'trust-problems', async () => {
      const lost = await waitForLostEntry(wb(), () => true, 'the provenance-lost entry in Problems');
      assert.equal(lost.severity, 'error');
      assert.ok(lost.file?.endsWith('package.json'), lost.file);
      assert.match(
        lost.message,
        /^synth-evolving@1\.1\.0 was published without provenance \(a registry signature only\), but 1\.0\.0, the newest earlier 1\.x version with stronger evidence, had provenance/,
      );
      const line = await evolvingProblems(wb());
      assert.deepEqual(
        line.map((p) => `${p.severity} ${p.code}`).sort(),
        ['error provenance-lost', 'info no-provenance'],
        describeProblems(line),
      );
      // For the screenshot: the finding selected, and the side bar hidden so more of each message shows.
      await wb().page.locator('.markers-panel .monaco-list-row', { hasText: 'the newest earlier 1.x version' }).first().click();
      const sideBar = wb().page.locator('#workbench\\.parts\\.sidebar');
      await wb().runCommand('View: Toggle Primary Side Bar Visibility');
      await sideBar.waitFor({ state: 'hidden', timeout: 10_000 });
      await wb().screenshot('trust-03-problems');
      await wb().runCommand('View: Toggle Primary Side Bar Visibility');
      await sideBar.waitFor({ state: 'visible', timeout: 10_000 });
    }));

  it('a .provenance-lens.json that makes provenance-lost a warning changes the entry without reopening package.json', () =>
    step(demo?.session, 'trust-policy', async () => {
      // The format: { "severity": { "<finding code>": "error" | "warning" | "information" | "off" } }
      // (src/verify/policy/types.ts, schemas/policy.schema.json).
      await writeFile(policyFile(), `${JSON.stringify({ severity: { 'provenance-lost': 'warning' } }, null, 2)}\n`);
      const warning = await waitForLostEntry(
        wb(),
        (p) => p.severity === 'warning',
        'provenance-lost as a warning after the policy file was written',
      );
      assert.match(warning.message, /^synth-evolving@1\.1\.0 was published without provenance/);
      assert.equal(
        (await evolvingProblems(wb())).filter((p) => p.code === 'provenance-lost').length,
        1,
        'one entry per finding, replaced, not added',
      );
      // A warning still marks the downgrade on the badge; the hover says warning.
      await wb().waitForDecoration(LINE, DOWNGRADE_BADGE);
      const hover = await wb().hover(VERSION, { expect: /⚠ warning provenance-lost/, timeout: 30_000 });
      assert.doesNotMatch(hover.text, /⚠ error provenance-lost/);
      await wb().closeHover();
      await wb().screenshot('trust-04-policy-warning');
      // The policy removed: back to the default severity.
      await rm(policyFile());
      await waitForLostEntry(wb(), (p) => p.severity === 'error', 'provenance-lost back to an error after the policy file was removed');
    }));

  it('the quick fix "Use 1.0.0 — keeps provenance in 1.x" rewrites the version; installed, the finding is gone', () =>
    step(demo?.session, 'trust-quickfix', async () => {
      await wb().openFile('package.json');
      const offered = await waitFor(
        async () => {
          const titles = await wb().codeActions(VERSION);
          return titles.includes(FIX_TITLE) ? titles : undefined;
        },
        { timeout: 45_000, interval: 1_000, message: `quick fix "${FIX_TITLE}"` },
      );
      // The version quick fix is still offered beside it (1.2.0 verifies, but was built from a fork).
      assert.ok(
        offered.some((t) => /^Use 1\.2\.0 — verified provenance/.test(t)),
        offered.join(' | '),
      );
      assert.ok(
        !offered.some((t) => /^Use 1\.2\.0 — keeps/.test(t)),
        `the fork's 1.2.0 does not keep the line's provenance: ${offered.join(' | ')}`,
      );
      // What the user sees: the light-bulb menu (Ctrl+.).
      await wb().clickText(VERSION);
      await wb().page.keyboard.press('Control+.');
      await wb()
        .page.locator('.action-widget .monaco-list-row.action', { hasText: FIX_TITLE })
        .first()
        .waitFor({ state: 'visible', timeout: 10_000 });
      // Keyboard focus on the trust-history fix, as a user choosing it would have it.
      await waitFor(
        async () => {
          if ((await wb().page.locator('.action-widget .monaco-list-row.action.focused', { hasText: FIX_TITLE }).count()) > 0) return true;
          await wb().page.keyboard.press('ArrowDown');
          return undefined;
        },
        { timeout: 5_000, interval: 200, message: `focus on "${FIX_TITLE}" in the menu` },
      );
      await wb().screenshot('trust-05-quickfix-menu');
      await wb().page.keyboard.press('Escape');

      await wb().quickFix(VERSION, FIX_TITLE);
      const text = await wb().editorText();
      assert.match(text, /"synth-evolving": "1\.0\.0"/);
      assert.doesNotMatch(text, /"synth-evolving": "1\.1\.0"/);
      // Until the install runs, the lockfile still installs 1.1.0: the badge keeps judging that and names it.
      await wb().waitForDecoration(LINE, `${DOWNGRADE_BADGE} (1.1.0)`, 30_000);
      // Save, and "npm install": the lockfile now locks 1.0.0, built from the line's own repository.
      await wb().page.keyboard.press('Control+S');
      await waitFor(async () => /"synth-evolving": "1\.0\.0"/.test(await readFile(path.join(demo!.workspace, 'package.json'), 'utf8')), {
        message: 'package.json saved',
      });
      await writeFile(
        path.join(demo!.workspace, 'package-lock.json'),
        `${JSON.stringify(await expectedLockfile(demo!.workspace, demo!.world.url), null, 2)}\n`,
      );
      await wb().waitForDecoration(LINE, /^✓ synth-org\/synth-evolving@[0-9a-f]{7}$/, 60_000);
      await waitFor(async () => ((await evolvingProblems(wb())).length === 0 ? true : undefined), {
        timeout: 30_000,
        message: 'no Problems entry left on the synth-evolving line',
      });
      await wb().screenshot('trust-06-fixed');
    }));
});
