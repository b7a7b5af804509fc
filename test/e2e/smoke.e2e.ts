// Proves the e2e harness against a real VS Code (code-server) with a throwaway
// extension generated at test time (see smoke-extension.ts): every helper the
// real Provenance Lens suite needs is exercised here.
//
// Run: bash scripts/e2e/run.sh --smoke   (or: node --import tsx --test test/e2e/smoke.e2e.ts)
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeWorkspace, openBrowser, startCodeServer, step, type BrowserSession, type CodeServer } from './harness';
import { buildSmokeExtension, SMOKE } from './smoke-extension';

describe('e2e harness smoke: throwaway extension in code-server', { timeout: 420_000 }, () => {
  let extDir: string | undefined;
  let ws: Awaited<ReturnType<typeof makeWorkspace>> | undefined;
  let server: CodeServer | undefined;
  let session: BrowserSession | undefined;
  const t0 = Date.now();
  const since = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;

  before(async () => {
    extDir = await mkdtemp(path.join(os.tmpdir(), 'provenance-lens-smoke-ext-'));
    const vsix = await buildSmokeExtension(extDir);
    console.log(`# packaged throwaway extension at ${since()}`);
    ws = await makeWorkspace({
      'package.json': {
        name: 'smoke-sample',
        version: '1.0.0',
        dependencies: { 'left-pad': '^1.3.0', 'broken-thing': SMOKE.badVersion },
        devDependencies: { typescript: '~5.9.3' },
      },
      'packages/app/package.json': { name: 'app', version: '0.1.0', dependencies: { semver: '^7.8.6' } },
    });
    server = await startCodeServer({ workspace: ws.dir, vsix, name: 'smoke' });
    console.log(`# code-server up at ${server.origin} after ${since()}`);
    session = await openBrowser(server.url);
    console.log(`# workbench ready after ${since()}`);
  });

  after(async () => {
    await session?.close();
    await server?.close();
    await ws?.remove();
    if (extDir) await rm(extDir, { recursive: true, force: true });
    console.log(`# smoke suite finished after ${since()}`);
  });

  it('opens package.json via Quick Open and shows its text', async () => {
    const wb = session!.workbench;
    await step(session, 'smoke-open-file', async () => {
      await wb.openFile('package.json');
      const text = await wb.editorText();
      assert.match(text, /"left-pad": "\^1\.3\.0"/);
      assert.match(text, /"broken-thing": "0\.0\.0-bad"/);
      await wb.screenshot('smoke-01-opened');
    });
  });

  it('renders badges (after-decorations) and inlay hints', async () => {
    const wb = session!.workbench;
    await step(session, 'smoke-badges', async () => {
      const d = await wb.waitForDecoration('"left-pad"', SMOKE.badgeText);
      assert.ok(
        d.pseudo.some((p) => p.includes(SMOKE.badgeText)),
        JSON.stringify(d),
      );
      const bad = await wb.lineDecorations('"broken-thing"');
      assert.ok(!bad.pseudo.some((p) => p.includes(SMOKE.badgeText)), 'no badge on the invalid one');
      const hint = await wb.waitForDecoration('"version": "1.0.0"', SMOKE.inlayText);
      assert.ok(
        hint.inlayHints.some((h) => h.includes(SMOKE.inlayText)) || hint.pseudo.some((p) => p.includes(SMOKE.inlayText)),
        JSON.stringify(hint),
      );
    });
  });

  it('hovering a dependency shows the hover with its commit link', async () => {
    const wb = session!.workbench;
    await step(session, 'smoke-hover', async () => {
      const hover = await wb.hover({ line: '"left-pad"', token: '^1.3.0' }, { expect: SMOKE.hoverPrefix });
      assert.match(hover.text, /smoke-hover left-pad@\^1\.3\.0 built from commit abc123/);
      assert.deepEqual(
        hover.links.filter((l) => l.href === SMOKE.commitUrl),
        [{ text: 'commit abc123', href: SMOKE.commitUrl }],
      );
      await wb.screenshot('smoke-02-hover');
      await wb.closeHover();
    });
  });

  it('Problems lists the invalid version as an error', async () => {
    const wb = session!.workbench;
    await step(session, 'smoke-problems', async () => {
      const p = await wb.waitForProblem((e) => e.message === SMOKE.diagnosticMessage);
      assert.equal(p.severity, 'error');
      assert.equal(p.source, 'e2e-smoke');
      assert.equal(p.line, 6);
      assert.ok(p.file?.endsWith('/package.json'), p.file);
      const all = await wb.problems();
      assert.deepEqual(
        all.map((e) => `${e.severity}:${e.message}`),
        [`error:${SMOKE.diagnosticMessage}`],
        'nothing else in Problems (no schema-download warnings etc.)',
      );
      await wb.screenshot('smoke-03-problems');
    });
  });

  it('a quick fix rewrites the invalid version', async () => {
    const wb = session!.workbench;
    await step(session, 'smoke-quickfix', async () => {
      const offered = await wb.codeActions({ line: '"broken-thing"', token: SMOKE.badVersion });
      assert.ok(offered.includes(SMOKE.fixTitle), `offered: ${offered.join(', ')}`);
      await wb.quickFix({ line: '"broken-thing"', token: SMOKE.badVersion }, SMOKE.fixTitle);
      const text = await wb.editorText();
      assert.match(text, /"broken-thing": "\^1\.2\.3"/);
      await wb.waitForDecoration('"broken-thing"', SMOKE.badgeText);
      const after = await wb.problems();
      assert.equal(after.filter((e) => e.severity === 'error').length, 0, JSON.stringify(after));
      await wb.screenshot('smoke-04-quickfix');
    });
  });

  it('runs a command from the palette and shows its notification', async () => {
    const wb = session!.workbench;
    await step(session, 'smoke-command', async () => {
      await wb.runCommand(SMOKE.helloCommand);
      const n = await wb.waitForNotification(SMOKE.helloMessage);
      assert.equal(n.severity, 'info');
      await wb.screenshot('smoke-05-command');
      await wb.clearNotifications();
    });
  });

  it('a palette command fills a tree view', async () => {
    const wb = session!.workbench;
    await step(session, 'smoke-tree', async () => {
      await wb.runCommand(SMOKE.fillTreeCommand);
      const items = await wb.waitForTree(SMOKE.treeTitle, (i) => i.length >= 4);
      const labels = items.map((i) => `${i.label} ${i.description}`).sort();
      assert.deepEqual(labels, [
        'broken-thing@^1.2.3 verified', // the quick fix edited the buffer, the tree reads the open document
        'left-pad@^1.3.0 verified',
        'semver@^7.8.6 verified',
        'typescript@~5.9.3 verified',
      ]);
      await wb.screenshot('smoke-06-tree');
    });
  });

  it('shows the extension status bar item', async () => {
    const wb = session!.workbench;
    const item = await wb.waitForStatusBarItem(SMOKE.statusText);
    assert.equal(item.id, SMOKE.id);
  });
});
