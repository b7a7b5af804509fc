// More of Provenance Lens in a real VS Code (code-server 4.139 = VS Code 1.139), driven by Chromium
// the way a user would, on a copy of demo/workspace against the fixture registry (support/world.ts):
// version completion (all versions, then verifiedOnly), the no-provenance and invalid hovers,
// Verify Dependency at Cursor, Export Report (JSON and SARIF through the save dialog), selecting a
// package in the Provenance view, the file's fix-all from Source Action..., Clear Cache and Show Log;
// then a second VS Code with Workspace Trust on, where the folder opens in Restricted Mode.
//
// Run: bash scripts/e2e/run.sh test/e2e/editor-more.e2e.ts
// Screenshots: test-artifacts/e2e/more-*.png; logs: test-artifacts/e2e/logs/provenance-lens-more{,-untrusted}/.
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { step, waitFor, type Workbench } from './harness';
import { startDemoSession, type DemoSession } from './support/session';
import {
  actionMenu,
  answerSaveDialog,
  closeCompletion,
  completionItems,
  cursorPosition,
  outputPanel,
  pickQuickItem,
  type CompletionEntry,
} from './support/workbench-extra';

/** The version slot of synth-evolving ("1.1.0"): the cursor goes inside the quotes, the version is removed. */
async function emptyVersionOf(wb: Workbench, line: string, version: string): Promise<void> {
  await wb.clickText({ line, token: version });
  await wb.page.keyboard.press('End'); // after the trailing comma
  await wb.page.keyboard.press('ArrowLeft');
  await wb.page.keyboard.press('ArrowLeft'); // just before the closing quote
  for (let i = 0; i < version.length; i++) await wb.page.keyboard.press('Shift+ArrowLeft');
  await wb.page.keyboard.press('Backspace');
  const lines = await wb.visibleLines();
  assert.ok(
    lines.some((l) => l.includes(`${line}: ""`)),
    `the version of ${line} was removed: ${lines.join('\n')}`,
  );
}

function describeItems(items: CompletionEntry[]): string {
  return items.map((i) => i.ariaLabel).join(' | ');
}

describe('Provenance Lens in VS Code: completion, commands, export, view, fix-all, log', { timeout: 600_000 }, () => {
  let demo: DemoSession | undefined;
  const wb = (): Workbench => demo!.session.workbench;

  before(async () => {
    demo = await startDemoSession({ name: 'provenance-lens-more' });
    await wb().openFile('package.json');
    for (const [line, badge] of [
      ['"sigstore"', /^✓ /],
      ['"nuxt"', '○ no provenance'],
      // 1.1.0's verdict is "no provenance"; once its release line's history is read, the badge says what
      // it lost (trust history): wait for that final state.
      ['"synth-evolving"', '⚠ provenance lost since 1.0.0'],
      ['"synth-digest"', '✗ invalid: digest mismatch'],
    ] as const) {
      await wb().waitForDecoration(line, badge, 60_000);
    }
  });

  after(async () => {
    await demo?.close();
  });

  it('the hover of a version without provenance names the newest verified one; the invalid hover says why in plain words', () =>
    step(demo?.session, 'more-hovers', async () => {
      const ours = (sections: string[], head: string) => {
        const s = sections.find((x) => x.includes(head));
        assert.ok(s, `no "${head}" section in: ${sections.join('\n---\n')}`);
        return s;
      };
      // The alternatives are looked up when asked for: the hover says "Looking for…" until they are known.
      const nuxt = await wb().hover(
        { line: '"nuxt"', token: '3.0.0' },
        { expect: 'Newest version with verified provenance', timeout: 45_000 },
      );
      const n = ours(nuxt.sections, '○ No provenance · nuxt@3.0.0');
      assert.match(n, /This version was published without provenance: nothing signed links it to a source repository or a build\./);
      assert.match(n, /Newest version with verified provenance: 4\.1\.2 \(built from nuxt\/nuxt\)/);
      await wb().screenshot('more-01-hover-no-provenance');
      await wb().closeHover();

      const evolving = await wb().hover(
        { line: '"synth-evolving"', token: '1.1.0' },
        { expect: 'Newest version with verified provenance', timeout: 45_000 },
      );
      const e = ours(evolving.sections, '○ No provenance · synth-evolving@1.1.0');
      assert.match(e, /Newest version with verified provenance: 2\.0\.0 \(built from synth-org\/synth-evolving\)/);
      assert.match(e, /Quick fix available: use 1\.2\.0 \(verified provenance; different repository from 2\.0\.0\)\./);
      await wb().closeHover();

      const digest = await wb().hover({ line: '"synth-digest"', token: '1.0.0' }, { expect: 'Provenance check failed' });
      const d = ours(digest.sections, '✗ Provenance check failed · synth-digest@1.0.0');
      assert.match(
        d,
        /The provenance attestation is about a tarball with a different sha512 than the registry's integrity: the tarball was changed after it was attested\./,
      );
      assert.match(d, /Reason: subject-digest-mismatch/);
      await wb().screenshot('more-02-hover-invalid');
      await wb().closeHover();

      const tampered = await wb().hover(
        { line: '"@laurentsimon/provenance-npm-test"', token: '1.0.5' },
        { expect: 'Provenance check failed' },
      );
      const t = ours(tampered.sections, '✗ Provenance check failed · @laurentsimon/provenance-npm-test@1.0.5');
      assert.match(
        t,
        /The provenance attestation does not verify with its signing certificate: its content was altered or the signature is corrupt\./,
      );
      await wb().closeHover();
    }));

  it('version completion lists every version newest first, marked by provenance state', () =>
    step(demo?.session, 'more-completion', async () => {
      await emptyVersionOf(wb(), '"synth-evolving"', '1.1.0');
      // Markers come from what the engine has verified so far (the hover above looked for alternatives):
      // ask again until 2.0.0 is known as verified.
      const items = await waitFor(
        async () => {
          const got = await completionItems(wb());
          return got.some((i) => i.ariaLabel.startsWith('2.0.0, ✓ verified provenance')) ? got : (await closeCompletion(wb()), undefined);
        },
        { timeout: 30_000, interval: 500, message: 'completion items with verified markers' },
      );
      await wb().screenshot('more-03-completion');
      await closeCompletion(wb());
      const versions = items.map((i) => i.label);
      assert.deepEqual(versions, ['2.1.0', '2.0.0', '1.2.0', '1.1.0', '1.0.0'], describeItems(items));
      const marker = (v: string) =>
        items
          .find((i) => i.label === v)!
          .ariaLabel.slice(v.length + 2)
          .replace(/, Value$/, '');
      assert.equal(marker('2.1.0'), '✗ provenance check failed', describeItems(items));
      assert.equal(marker('2.0.0'), '✓ verified provenance', describeItems(items));
      assert.equal(marker('1.2.0'), '✓ verified provenance', describeItems(items));
      assert.equal(marker('1.1.0'), '○ no provenance', describeItems(items));
      // 1.0.0 advertises provenance; whether the engine has verified it yet depends on what was asked before.
      assert.match(marker('1.0.0'), /^(✓ verified provenance|provenance advertised \(not verified yet\))$/, describeItems(items));
    }));

  it('with provenanceLens.completion.verifiedOnly only verified versions are offered', () =>
    step(demo?.session, 'more-completion-verified-only', async () => {
      const settings = path.join(demo!.workspace, '.vscode', 'settings.json');
      await mkdir(path.dirname(settings), { recursive: true });
      await writeFile(settings, `${JSON.stringify({ 'provenanceLens.completion.verifiedOnly': true }, null, 2)}\n`);
      try {
        // The cursor is still in the emptied version string; the setting is read when it changes.
        const items = await waitFor(
          async () => {
            const got = await completionItems(wb());
            await closeCompletion(wb());
            return got.every((i) => i.ariaLabel.includes('✓ verified provenance')) ? got : undefined;
          },
          { timeout: 30_000, interval: 500, message: 'verified-only completion' },
        );
        await completionItems(wb());
        await wb().screenshot('more-04-completion-verified-only');
        await closeCompletion(wb());
        // 1.0.0, 1.2.0 and 2.0.0 verify; 2.1.0 is invalid and 1.1.0 has none.
        assert.deepEqual(
          items.map((i) => i.label),
          ['2.0.0', '1.2.0', '1.0.0'],
          describeItems(items),
        );
      } finally {
        await rm(path.join(demo!.workspace, '.vscode'), { recursive: true, force: true });
      }
      // Put the version back as it was.
      await wb().page.keyboard.press('Control+Z');
      await waitFor(async () => (await wb().visibleLines()).some((l) => l.includes('"synth-evolving": "1.1.0"')), { message: 'undo' });
      await wb().waitForDecoration('"synth-evolving"', '⚠ provenance lost since 1.0.0', 30_000);
    }));

  it('Provenance: Verify Dependency at Cursor reports the dependency under the cursor', () =>
    step(demo?.session, 'more-verify-at-cursor', async () => {
      await wb().clearNotifications();
      await wb().clickText({ line: '"synth-digest"', token: 'synth-digest' });
      await wb().runCommand('Provenance: Verify Dependency at Cursor');
      const invalid = await wb().waitForNotification(/^synth-digest@1\.0\.0: /, 30_000);
      assert.equal(invalid.severity, 'warning');
      assert.equal(
        invalid.message,
        "synth-digest@1.0.0: ✗ invalid: digest mismatch — The provenance attestation is about a tarball with a different sha512 than the registry's integrity: the tarball was changed after it was attested.",
      );
      await wb().screenshot('more-05-verify-at-cursor');
      await wb().clearNotifications();
      await wb().clickText({ line: '"sigstore"', token: '1.0.0' });
      await wb().runCommand('Provenance: Verify Dependency at Cursor');
      const verified = await wb().waitForNotification(/^sigstore@1\.0\.0: /, 30_000);
      assert.equal(verified.severity, 'info');
      assert.equal(verified.message, 'sigstore@1.0.0: ✓ sigstore/sigstore-js@0652899');
      await wb().clearNotifications();
    }));

  it('selecting a package in the Provenance view reveals it in its package.json', () =>
    step(demo?.session, 'more-tree-reveal', async () => {
      await wb().runCommand('Provenance: Scan Workspace');
      await wb().waitForNotification(/^Provenance: \d+ of \d+ verified/, 60_000);
      await wb().clearNotifications();
      await wb().openFile('package.json');
      await wb().clickText({ line: '"sigstore"', token: 'sigstore' });
      assert.equal((await cursorPosition(wb())).line, 7);
      const pane = await wb().showView('Provenance');
      await wb().waitForTree('Provenance', (items) => items.some((i) => i.label === 'synth-digest@1.0.0'), 30_000);
      await pane
        .locator('.pane-body .monaco-list-row[role="treeitem"]', {
          has: wb().page.locator('.label-name', { hasText: 'synth-digest@1.0.0' }),
        })
        .first()
        .click();
      // The version string of line 13 ("1.0.0" with its quotes) is selected in package.json.
      const pos = await waitFor(
        async () => {
          const c = await cursorPosition(wb());
          return c.line === 13 ? c : undefined;
        },
        { timeout: 10_000, message: 'cursor on the synth-digest line' },
      );
      assert.equal(pos.selected, '"1.0.0"'.length, pos.text);
      await wb().waitForEditor('package.json');
      await wb().screenshot('more-06-tree-reveal');
    }));

  it('Provenance: Export Report writes JSON and SARIF through the format pick and the save dialog', () =>
    step(demo?.session, 'more-export', async () => {
      const exportAs = async (format: 'JSON' | 'SARIF', file: string) => {
        await wb().runCommand('Provenance: Export Report');
        const formats = await pickQuickItem(wb(), format);
        assert.deepEqual(formats, ['JSON', 'SARIF', 'Markdown']);
        const dialog = await answerSaveDialog(wb(), path.join(demo!.workspace, file), 'Save provenance report');
        assert.equal(dialog.proposed, path.join(demo!.workspace, `provenance-report.${format === 'JSON' ? 'json' : 'sarif'}`));
        const saved = await wb().waitForNotification(`Provenance report saved to ${file}.`, 20_000);
        assert.equal(saved.severity, 'info');
        return JSON.parse(await readFile(path.join(demo!.workspace, file), 'utf8')) as Record<string, any>;
      };
      const json = await exportAs('JSON', 'report.json');
      await wb().screenshot('more-07-export-saved');
      await wb().clearNotifications();
      const status = Object.fromEntries(
        (json.results as { name: string; version: string; status: string }[]).map((r) => [`${r.name}@${r.version}`, r.status]),
      );
      assert.equal(status['sigstore@1.0.0'], 'verified', JSON.stringify(status));
      assert.equal(status['synth-digest@1.0.0'], 'invalid', JSON.stringify(status));
      assert.equal(status['@laurentsimon/provenance-npm-test@1.0.5'], 'invalid', JSON.stringify(status));
      assert.equal(status['nuxt@3.0.0'], 'no-provenance', JSON.stringify(status));
      assert.equal(status['@acme/internal-utils@2.4.1'], 'unavailable', JSON.stringify(status));
      assert.equal(status['local-helpers@0.1.0'], 'not-applicable', JSON.stringify(status));
      assert.equal(Object.keys(status).length, 11, JSON.stringify(status));
      // Each result carries its trust history: synth-evolving 1.1.0 lost the provenance 1.0.0 had.
      const evolving = (
        json.results as {
          name: string;
          trust?: { line: string; findings: { code: string; severity: string; previous?: { version: string } }[] };
        }[]
      ).find((r) => r.name === 'synth-evolving');
      assert.equal(evolving?.trust?.line, '1.x', JSON.stringify(evolving));
      assert.deepEqual(
        evolving.trust.findings.map((f) => `${f.code} ${f.severity} since ${f.previous?.version}`),
        ['provenance-lost error since 1.0.0'],
        JSON.stringify(evolving.trust),
      );

      const sarif = await exportAs('SARIF', 'report.sarif');
      await wb().clearNotifications();
      assert.equal(sarif.version, '2.1.0');
      const results = sarif.runs[0].results as { ruleId: string; level: string; properties: { package: string; version: string } }[];
      const errors = results
        .filter((r) => r.level === 'error')
        .map((r) => `${r.properties.package}@${r.properties.version} ${r.ruleId}`)
        .sort();
      assert.deepEqual(errors, [
        '@laurentsimon/provenance-npm-test@1.0.5 invalid/invalid-provenance-signature',
        'synth-digest@1.0.0 invalid/subject-digest-mismatch',
        'synth-evolving@1.1.0 trust/provenance-lost',
      ]);
    }));

  it('Source Action... offers the fix-all for the file, which rewrites every fixable version', () =>
    step(demo?.session, 'more-fix-all', async () => {
      await wb().openFile('package.json');
      await wb().clickText({ line: '"name"', token: 'name' });
      const titles = await waitFor(
        async () => {
          await wb().runCommand('Source Action...');
          const got = await actionMenu(wb()).catch(() => [] as string[]);
          if (got.some((t) => /^Use versions with verified provenance \(\d+\)$/.test(t))) return got;
          await wb().page.keyboard.press('Escape');
          return undefined;
        },
        { timeout: 30_000, interval: 1_000, message: 'the fix-all in Source Action...' },
      );
      await wb().screenshot('more-08-source-action');
      // Only synth-evolving has a version to move to (nuxt's newest verified is a major away): its line's
      // fix, 1.0.0 (same repository), not the nearest verified 1.2.0, which was built from a fork.
      assert.ok(titles.includes('Use versions with verified provenance (1)'), titles.join(' | '));
      await wb()
        .page.locator('.action-widget .monaco-list-row.action', { hasText: 'Use versions with verified provenance (1)' })
        .first()
        .click();
      await waitFor(async () => (await wb().visibleLines()).some((l) => l.includes('"synth-evolving": "1.0.0"')), {
        message: 'the fix-all edit',
      });
      const text = await wb().editorText();
      assert.match(text, /"nuxt": "3\.0\.0"/);
      assert.match(text, /"synth-digest": "1\.0\.0"/);
      await wb().page.keyboard.press('Control+Z');
      await waitFor(async () => (await wb().visibleLines()).some((l) => l.includes('"synth-evolving": "1.1.0"')), {
        message: 'undo the fix-all',
      });
    }));

  it('Provenance: Clear Cache verifies again; Show Log opens the Provenance Lens output', () =>
    step(demo?.session, 'more-log', async () => {
      await wb().clearNotifications();
      await wb().runCommand('Provenance: Clear Cache');
      const cleared = await wb().waitForNotification(/^Provenance: cache cleared/, 20_000);
      assert.equal(cleared.message, 'Provenance: cache cleared; open package.json files are verified again.');
      await wb().waitForDecoration('"sigstore"', /^✓ sigstore\/sigstore-js@0652899$/, 60_000);
      await wb().clearNotifications();
      await wb().runCommand('Provenance: Show Log');
      const out = await waitFor(
        async () => {
          const o = await outputPanel(wb());
          return /\S+@\S+: verified — built from https:\/\/github\.com\//.test(o.text) ? o : undefined;
        },
        { timeout: 20_000, message: 'the Provenance Lens log in the Output panel' },
      );
      if (out.channel) assert.equal(out.channel, 'Provenance Lens');
      await wb().screenshot('more-09-log');
      // The whole log (the panel shows its end): each verified package with where it was built.
      const logFile = await waitFor(async () => {
        const { readdir } = await import('node:fs/promises');
        const root = path.join(demo!.server.userDataDir, 'logs');
        const stack = [root];
        while (stack.length) {
          const dir = stack.pop()!;
          for (const e of await readdir(dir, { withFileTypes: true })) {
            const f = path.join(dir, e.name);
            if (e.isDirectory()) stack.push(f);
            else if (e.name === 'Provenance Lens.log') return f;
          }
        }
        return undefined;
      });
      const log = await readFile(logFile, 'utf8');
      assert.match(log, /\[info\] Cache cleared\./);
      assert.match(
        log,
        /sigstore@1\.0\.0: verified — built from https:\/\/github\.com\/sigstore\/sigstore-js@0652899 by sigstore\/sigstore-js\/\.github\/workflows\/publish\.yml@refs\/tags\/v1\.0\.0/,
      );
    }));
});

describe('Provenance Lens in an untrusted workspace (Workspace Trust on, Restricted Mode)', { timeout: 300_000 }, () => {
  let demo: DemoSession | undefined;
  const wb = (): Workbench => demo!.session.workbench;

  before(async () => {
    demo = await startDemoSession({ name: 'provenance-lens-more-untrusted', workspaceTrust: true });
  });

  after(async () => {
    await demo?.close();
  });

  it('ignores the workspace .npmrc and says so in the status bar tooltip and the Provenance view', () =>
    step(demo?.session, 'more-untrusted', async () => {
      // code-server asks nothing: the folder opens in Restricted Mode, with the banner and status item.
      const restricted = await wb().waitForStatusBarItem('Restricted Mode', 20_000);
      assert.equal(restricted.id, 'status.workspaceTrust');
      await wb().openFile('package.json');
      // The .npmrc routes @laurentsimon to the registry that serves tampered provenance; ignored, the
      // scope comes from the user-level registry, where the same version verifies.
      await wb().waitForDecoration('"@laurentsimon/provenance-npm-test"', /^✓ laurentsimon\/provenance-npm-test@[0-9a-f]{7}$/, 60_000);
      await wb().waitForDecoration('"synth-digest"', '✗ invalid: digest mismatch', 60_000);
      const item = await wb().waitForStatusBarItem(/Provenance 6\/11 · 1 invalid/, 30_000);
      assert.equal(item.id, 'provenance-lens.provenance-lens.provenanceLens.status');
      // The status bar item carries the untrusted-workspace codicon before its text.
      const icon = wb().page.locator(`#${item.id.replace(/\./g, '\\.')} .codicon-workspace-untrusted`);
      assert.equal(await icon.count(), 1, 'the $(workspace-untrusted) icon in the status bar item');
      const why = /Restricted Mode: this workspace is not trusted, so its \.npmrc files are ignored/;
      await wb()
        .page.locator(`#${item.id.replace(/\./g, '\\.')}`)
        .hover();
      const tooltip = await waitFor(
        async () => (await wb().page.locator('.monaco-hover:not(.hidden), .workbench-hover').allInnerTexts()).find((t) => why.test(t)),
        { timeout: 10_000, message: 'the status bar tooltip' },
      );
      assert.match(tooltip, /Registries and trust material come from your user settings and user \.npmrc\./);
      await wb().screenshot('more-10-untrusted-tooltip');
      await wb().page.mouse.move(1, 1);
      const pane = await wb().showView('Provenance');
      await waitFor(async () => why.test(await pane.innerText()), { timeout: 10_000, message: 'the Provenance view message' });
      await wb().screenshot('more-11-untrusted-view');
    }));
});
