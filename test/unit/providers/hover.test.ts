import { strict as assert } from 'node:assert';
import { buildHoverMarkdown, HOVER_COMMANDS } from '../../../src/providers/format/hover';
import { commandLink, escapeMarkdown, link, safeHttpsUrl } from '../../../src/verify/format/markdown';
import { facts, invalid, noProvenance, unavailable, verified } from './fixtures';

// markdown-it is present through @vscode/vsce; render with it when available to check real links.
let render: ((md: string) => string) | undefined;
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const MarkdownIt = require('markdown-it') as new (options: object) => { render(md: string): string };
  const md = new MarkdownIt({ html: true, linkify: true });
  render = (text) => md.render(text);
} catch {
  render = undefined;
}

/** Every link destination in rendered HTML (markdown-it) or, failing that, in the Markdown source. */
function links(markdown: string): string[] {
  if (render) {
    const html = render(markdown);
    return [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
  }
  return [...markdown.matchAll(/(?<!\\)\]\(([^)]*)\)/g)].map((m) => m[1]);
}

function assertSafe(markdown: string): void {
  for (const href of links(markdown)) {
    if (href.startsWith('command:')) {
      const id = href.slice('command:'.length).split('?')[0];
      assert.ok((HOVER_COMMANDS as readonly string[]).includes(id), `foreign command link ${href}`);
    } else {
      assert.ok(href.startsWith('https://'), `non-https link ${href} in:\n${markdown}`);
    }
  }
  if (render) {
    const html = render(markdown);
    assert.ok(!/<(img|script|iframe|svg|style)\b/i.test(html), `raw HTML rendered: ${html}`);
    assert.ok(
      !/javascript:/i.test(html.replace(/javascript\\?:/gi, (m) => (m.includes('\\') ? 'x' : m)).replace(/>[^<]*</g, '><')),
      `javascript: in an attribute: ${html}`,
    );
  }
}

const base = { name: 'pkg', spec: '^1.2.0', section: 'dependencies', documentUri: 'file:///w/package.json' };

describe('hover markdown', () => {
  it('escapes every ASCII punctuation character in untrusted text', () => {
    assert.equal(escapeMarkdown('a*b_[c](d)<e>`f`'), 'a\\*b\\_\\[c\\]\\(d\\)\\<e\\>\\`f\\`');
    assert.equal(escapeMarkdown('line\nbreak\u202Eevil'), 'line breakevil');
  });

  it('only links https URLs without credentials, with link-breaking characters encoded', () => {
    assert.equal(safeHttpsUrl('javascript:alert(1)'), undefined);
    assert.equal(safeHttpsUrl('http://example.com'), undefined);
    assert.equal(safeHttpsUrl('https://user:pw@example.com/'), undefined);
    assert.equal(safeHttpsUrl('command:workbench.action.terminal.new'), undefined);
    assert.equal(safeHttpsUrl('https://example.com/a)](javascript:alert(1))'), 'https://example.com/a%29%5D%28javascript:alert%281%29%29');
    assert.equal(link('x', 'data:text/html,hi'), 'x');
  });

  it('refuses command links outside the allow-list', () => {
    assert.throws(() => commandLink('x', 'workbench.action.terminal.sendSequence', [], HOVER_COMMANDS));
    const l = commandLink("Ignore )](command:x)'", 'provenanceLens.ignorePackage', ["a')](command:evil)"], HOVER_COMMANDS);
    assertSafe(l);
    assert.ok(!/[()']/.test(l.slice(l.indexOf('(command:') + 1, -1)), l);
  });

  it('renders a verified hover with repository, commit, workflow, run, builder, trigger, log entry and signature', () => {
    const md = buildHoverMarkdown({ ...base, verdict: verified(), lockfileName: 'package-lock.json' });
    assert.match(md, /Verified provenance/);
    assert.match(md, /\[owner\\\/repo\]\(https:\/\/github\.com\/owner\/repo\)/);
    assert.match(md, /\[run 1 \\\(attempt 1\\\)\]\(https:\/\/github\.com\/owner\/repo\/actions\/runs\/1\/attempts\/1\)/);
    assert.match(md, /\[abc1234\]\(https:\/\/github\.com\/owner\/repo\/commit\//);
    assert.match(md, /release\\\.yml\]\(https:\/\/github\.com\/owner\/repo\/blob\//);
    assert.match(md, /GitHub-hosted runner/);
    assert.match(md, /\*\*Trigger:\*\* push/);
    assert.match(md, /\[entry 12345\]\(https:\/\/search\.sigstore\.dev\/\?logIndex=12345\)/);
    assert.match(md, /Registry signature:\*\* valid/);
    assert.match(md, /from the lockfile \(package\\-lock\\.json\)/);
    assertSafe(md);
  });

  it('keeps hostile registry strings inert (repo URL with ")](javascript:", names with HTML and markdown)', () => {
    const hostileFacts = facts({
      sourceRepository: 'https://github.com/o/r)](javascript:alert(1))',
      sourceCommit: '[x](command:workbench.action.terminal.new)',
      workflowPath: '<img src=x onerror=alert(1)>.yml',
      runInvocation: 'javascript:alert(document.cookie)',
      builder: '<script>alert(1)</script>',
      triggerEvent: '**bold** [link](http://evil.example)',
      ref: '![img](https://evil.example/x.png)',
      issuer: 'www.evil.example',
      signerIdentity: '$(terminal) `code`',
      transparencyLog: { logIndex: '1)](command:evil', url: 'javascript:alert(1)' },
      links: {
        repository: 'javascript:alert(1)',
        commit: 'https://github.com/o/r/commit/x)](command:workbench.action.terminal.new)',
        workflow: 'command:workbench.action.terminal.new',
        run: 'http://insecure.example/run',
        transparencyLog: 'data:text/html,<script>alert(1)</script>',
      },
    });
    const name = '<b>evil</b> [click](command:workbench.action.terminal.new) *x*';
    const verdict = { ...verified(name, '1.0.0)](javascript:alert(1))', hostileFacts), publishTime: '<img src=x>' };
    const md = buildHoverMarkdown({ ...base, name, verdict });
    assertSafe(md);
    assert.ok(!md.includes('<b>'), md);
    assert.ok(!md.includes('](javascript'), md);
    assert.ok(!/\]\(command:workbench/.test(md), md);

    for (const v of [invalid(name), noProvenance(name), unavailable(name)]) {
      const out = buildHoverMarkdown({
        ...base,
        name,
        verdict: { ...v, reason: { code: v.reason!.code, message: '[x](javascript:alert(1)) <script>alert(1)</script>' } },
        suggestion: { newestVerified: { version: '2.0.0)](javascript:1)', verdict: verified(name, '2', hostileFacts) }, attestedCount: 1 },
      });
      assertSafe(out);
    }
  });

  it('explains invalid, no-provenance and unavailable verdicts in plain words', () => {
    const bad = buildHoverMarkdown({ ...base, verdict: invalid() });
    assert.match(bad, /Provenance check failed/);
    assert.match(bad, /does not verify/);
    const none = buildHoverMarkdown({
      ...base,
      verdict: noProvenance(),
      suggestion: { newestVerified: { version: '1.4.0', verdict: verified('pkg', '1.4.0') }, attestedCount: 3 },
    });
    assert.match(none, /published without provenance/);
    assert.match(none, /Newest version with verified provenance: \*\*1\\\.4\\\.0\*\*/);
    const never = buildHoverMarkdown({ ...base, verdict: noProvenance(), suggestion: { attestedCount: 0 } });
    assert.match(never, /No published version of pkg advertises provenance/);
    const off = buildHoverMarkdown({ ...base, verdict: unavailable('pkg', '1.2.3', 'offline') });
    assert.match(off, /says nothing about the package/);
    assert.doesNotMatch(off, /Verified/);
  });

  it("the quick fix line says how the proposed version's provenance relates, a fork's build included", () => {
    const fork = facts({ sourceRepository: 'https://github.com/fork/repo' });
    const moved = buildHoverMarkdown({
      ...base,
      verdict: noProvenance(),
      suggestion: {
        newestVerified: { version: '2.0.0', verdict: verified('pkg', '2.0.0') },
        fix: { version: '1.2.0', verdict: verified('pkg', '1.2.0', fork) },
        attestedCount: 3,
      },
    });
    assert.match(moved, /Quick fix available: use \*\*1\\\.2\\\.0\*\* \(verified provenance; different repository from 2\\\.0\\\.0\)\./);
    const same = buildHoverMarkdown({
      ...base,
      verdict: noProvenance(),
      suggestion: {
        newestVerified: { version: '2.0.0', verdict: verified('pkg', '2.0.0') },
        fix: { version: '1.2.0', verdict: verified('pkg', '1.2.0') },
        attestedCount: 3,
      },
    });
    assert.match(same, /\(verified provenance; same repository and workflow as 2\\\.0\\\.0\)\./);
  });

  it('never says verified while pending or stale', () => {
    assert.doesNotMatch(buildHoverMarkdown({ ...base }), /Verified provenance/);
    assert.doesNotMatch(buildHoverMarkdown({ ...base, verdict: verified(), stale: true }), /Verified provenance/);
  });
});
