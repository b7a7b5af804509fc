/**
 * Hostile strings: credentials in registry URLs, invisible and bidi characters, enormous names,
 * version keys with whitespace. Registry data comes from the real loopback fixture registry.
 * @positions mirror, pull-request
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main, type CliIO } from '../../src/cli/main';
import { ProvenanceEngine } from '../../src/verify/engine';
import type { EngineLogger } from '../../src/verify/api';
import { redactSecrets, redactVerdict } from '../../src/verify/format/redact';
import { cleanText, isExactVersion } from '../../src/verify/format/text';
import { escapeMarkdown } from '../../src/verify/format/markdown';
import { buildHoverMarkdown, MAX_NAME_LENGTH } from '../../src/providers/format/hover';
import { versionItems } from '../../src/providers/completion/versionItems';
import { fixFor } from '../../src/providers/codeActions/versionFix';
import { candidateOrder, newestFirstAttested, rewriteSpec } from '../../src/verify/suggest';
import type { Verdict } from '../../src/verify/types';
import { startFixtureRegistry, type FixtureRegistry } from '../fixture-registry';
import { syntheticPackage, tempDir } from '../unit/registry/helpers';
import { verified } from '../unit/providers/fixtures';

const SECRET = 's3cr3t-pa55';
const USER = 'deploy-bot';

function assertNoSecret(text: string, where: string): void {
  assert.ok(!text.includes(SECRET), `${where} shows the password:\n${text.slice(0, 2000)}`);
  assert.ok(!text.includes(`${USER}:`) && !text.includes(`${USER}@`), `${where} shows the user name:\n${text.slice(0, 2000)}`);
}

describe('hostile strings', function () {
  describe('text cleaning', () => {
    it('removes bidi controls, invisible formatting characters, variation selectors and tag characters', () => {
      const hostile = [
        'a\u061Cb', // Arabic letter mark (bidi)
        'a\u180Eb', // Mongolian vowel separator
        'a\u00ADb', // soft hyphen
        'a\u{E0061}\u{E0062}b', // tag characters
        'a\u{E007F}b', // cancel tag
        'a\u034Fb', // combining grapheme joiner
        'a\u2066b\u2069', // isolates
        'a\u206Ab', // deprecated format character
        'a\uFE0Fb', // variation selector 16
        'a\u{E0100}b', // variation selector supplement
        'a\u115F\u3164b', // Hangul fillers
        'a\u17B4b', // Khmer inherent vowel
        'a\uFFF9b', // interlinear annotation anchor
        'a\u{1D173}b', // musical formatting
      ];
      for (const s of hostile) {
        const clean = cleanText(s);
        assert.ok(/^ab$/.test(clean), `${JSON.stringify(s)} → ${JSON.stringify(clean)}`);
        assert.ok(/^ab$/.test(escapeMarkdown(s)), `escapeMarkdown(${JSON.stringify(s)})`);
      }
      // ordinary text, accents and emoji (without selectors) stay
      assert.equal(cleanText('café 日本 🙂'), 'café 日本 🙂');
    });

    it('never cuts a surrogate pair when shortening', () => {
      const out = cleanText('a🙂🙂🙂', 3);
      assert.equal(out, 'a…');
      assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(out));
    });
  });

  describe('credentials in a registry URL', () => {
    let registry: FixtureRegistry;
    let tmp: ReturnType<typeof tempDir>;
    let credUrl: string;
    before(async () => {
      registry = await startFixtureRegistry({
        realworldDir: null,
        extra: [syntheticPackage('alpha', ['1.0.0']), syntheticPackage('plain', ['3.0.0'], { signed: false, attested: false })],
      });
      credUrl = registry.url.replace('http://', `http://${USER}:${SECRET}@`) + '/';
    });
    after(() => registry.close());
    beforeEach(() => {
      tmp = tempDir('pl-hostile-');
    });
    afterEach(() => tmp.cleanup());

    it('redactSecrets removes user-info, secret query parameters and npmrc auth values', () => {
      assert.equal(redactSecrets(`GET ${credUrl}alpha failed`), `GET http://***@${registry.url.slice('http://'.length)}/alpha failed`);
      assert.equal(redactSecrets('https://tok3n@registry.example/'), 'https://***@registry.example/');
      assert.equal(redactSecrets('https://r.example/x?token=abc&name=ok'), 'https://r.example/x?token=***&name=ok');
      assert.equal(redactSecrets('//r.example/:_authToken=npm_abc123'), '//r.example/:_authToken=***');
      // not credentials: a git user with no password, a package spec with @
      assert.equal(redactSecrets('git+ssh://git@github.com/o/r.git'), 'git+ssh://git@github.com/o/r.git');
      assert.equal(
        redactSecrets('https://registry.example/-/npm/v1/attestations/alpha@1.0.0'),
        'https://registry.example/-/npm/v1/attestations/alpha@1.0.0',
      );
    });

    it('verdicts, registry observations and log lines leaving the engine carry no credentials', async () => {
      const lines: string[] = [];
      const logger: EngineLogger = {
        debug: (m) => lines.push(m),
        info: (m) => lines.push(m),
        warn: (m) => lines.push(m),
        error: (m) => lines.push(m),
      };
      const engine = new ProvenanceEngine({
        registry: credUrl,
        attestationRegistry: '',
        refreshTrust: false,
        useProjectNpmrc: false,
        logger,
      });
      try {
        const verdicts = await engine.verifyAll([
          { name: 'alpha', version: '1.0.0' },
          { name: 'plain', version: '3.0.0' },
          { name: 'missing', version: '1.0.0' },
        ]);
        // the registry was really asked (through the URL with credentials)
        assert.ok(registry.requests.some((r) => r.url === '/alpha/1.0.0'));
        const registryFields = verdicts.map((v) => v.registry).filter(Boolean);
        assert.ok(registryFields.length > 0, JSON.stringify(verdicts));
        for (const r of registryFields) assert.equal(r, `http://***@${registry.url.slice('http://'.length)}/`);
        assertNoSecret(JSON.stringify(verdicts), 'verdicts');
        assert.ok(
          verdicts.some((v) => v.reason?.message.includes('***@')),
          'messages name the registry, redacted',
        );
        const observations = engine.registryObservations();
        assert.ok(observations.length > 0);
        assertNoSecret(JSON.stringify(observations), 'registry observations');
        assert.ok(lines.length > 0);
        assertNoSecret(lines.join('\n'), 'log');
      } finally {
        await engine.dispose();
      }
    });

    it('the verdict cache on disk carries no credentials (verdicts, registry keys record)', async () => {
      const cacheDir = path.join(tmp.dir, 'cache');
      const engine = new ProvenanceEngine({
        registry: credUrl,
        attestationRegistry: '',
        refreshTrust: false,
        useProjectNpmrc: false,
        cacheDir,
      });
      try {
        const verdicts = await engine.verifyAll([
          { name: 'alpha', version: '1.0.0' },
          { name: 'plain', version: '3.0.0' },
        ]);
        assert.ok(
          verdicts.some((v) => v.status === 'invalid'),
          JSON.stringify(verdicts),
        ); // a final verdict, so it is cached
      } finally {
        await engine.dispose();
      }
      const files: string[] = [];
      const walk = (dir: string): void => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
          const p = path.join(dir, e.name);
          if (e.isDirectory()) walk(p);
          else files.push(p);
        }
      };
      walk(path.join(cacheDir, 'verdicts'));
      assert.ok(files.length > 0, 'verdicts were written');
      for (const f of files) assertNoSecret(fs.readFileSync(f, 'utf8'), f);
    });

    async function runCli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
      let out = '';
      let err = '';
      const io: CliIO = {
        stdout: (s) => (out += s),
        stderr: (s) => (err += s),
        isTTY: false,
        env: {
          HOME: tmp.dir,
          NPM_CONFIG_USERCONFIG: path.join(tmp.dir, 'none'),
          NPM_CONFIG_GLOBALCONFIG: path.join(tmp.dir, 'none'),
          PROVENANCE_LENS_DEBUG: '1',
          NO_COLOR: '1',
        },
        cwd,
      };
      const code = await main(args, io);
      return { code, out, err };
    }

    it('CLI human output, --json, --sarif and --markdown carry no credentials', async () => {
      const project = path.join(tmp.dir, 'project');
      fs.mkdirSync(project);
      fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ dependencies: { alpha: '1.0.0', plain: '3.0.0' } }));
      const common = ['--registry', credUrl, '--attestation-registry', '', '--cache', ''];
      const human = await runCli(['verify', 'alpha@1.0.0', 'plain@3.0.0', 'missing@^1', ...common], tmp.dir);
      assert.match(human.out, /alpha@1\.0\.0/);
      assertNoSecret(human.out, 'CLI human output');
      assert.ok(human.err.length > 0);
      // the debug lines are built when asked for (PROVENANCE_LENS_DEBUG), and redacted
      assert.match(human.err, /debug: registry: GET http:\/\/\*\*\*@127\.0\.0\.1/);
      assert.match(human.err, /debug: alpha@1\.0\.0: GET version document from/);
      assertNoSecret(human.err, 'CLI debug log');
      const json = await runCli(['verify', 'alpha@1.0.0', 'plain@3.0.0', '--json', ...common], tmp.dir);
      const report = JSON.parse(json.out) as { results: { registry?: string }[]; registries: { registry: string }[] };
      assert.ok(
        report.results.some((r) => r.registry?.includes('***@')),
        json.out,
      );
      assertNoSecret(json.out + json.err, 'CLI --json');
      for (const format of ['--sarif', '--markdown']) {
        const r = await runCli(['scan', project, format, '--direct', ...common], tmp.dir);
        assert.match(r.out, /alpha/);
        assertNoSecret(r.out + r.err, `CLI scan ${format}`);
      }
      const bad = await runCli(['verify', 'alpha@1.0.0', '--registry', `ftp://${USER}:${SECRET}@host/`], tmp.dir);
      assert.equal(bad.code, 2);
      assertNoSecret(bad.out + bad.err, 'CLI usage error');
    });

    it('hovers show the registry without credentials', () => {
      const verdict: Verdict = {
        name: 'alpha',
        version: '1.0.0',
        status: 'unavailable',
        registry: credUrl,
        attestationRegistry: credUrl,
        reason: { code: 'mirror-stripped', message: `${credUrl} serves no registry signature` },
      };
      const md = buildHoverMarkdown({
        name: 'alpha',
        spec: '1.0.0',
        section: 'dependencies',
        documentUri: 'file:///w/package.json',
        verdict,
        note: `lockfile resolved from ${credUrl}`,
      });
      assertNoSecret(md.replace(/\\/g, ''), 'hover');
      assert.deepEqual(redactVerdict(verdict).registry, `http://***@${registry.url.slice('http://'.length)}/`);
    });
  });

  describe('an enormous dependency name', () => {
    it('is described in the hover, not echoed, and no command link carries it', () => {
      const name = 'x'.repeat(200_000);
      const md = buildHoverMarkdown({
        name,
        spec: '^1.0.0',
        section: 'dependencies',
        documentUri: 'file:///w/package.json',
        verdict: verified(name, '1.0.0'),
      });
      assert.ok(md.length < 5000, `hover of ${md.length} characters`);
      assert.match(md, /200,000-character name \(not a valid npm package name\)/);
      assert.ok(!md.includes('x'.repeat(MAX_NAME_LENGTH + 1)));
      // an ordinary name keeps its command links
      const ok = buildHoverMarkdown({
        name: 'pkg',
        spec: '^1.0.0',
        section: 'dependencies',
        documentUri: 'file:///w/package.json',
        verdict: verified('pkg', '1.0.0'),
      });
      assert.match(ok, /command:provenanceLens\.ignorePackage/);
      assert.match(ok, /command:provenanceLens\.verifyAtCursor/);
    });
  });

  describe('version keys with whitespace from the registry', () => {
    let registry: FixtureRegistry;
    before(async () => {
      registry = await startFixtureRegistry({ realworldDir: null, extra: [syntheticPackage('ws', ['1.0.0'])] });
    });
    after(() => registry.close());

    it('are never offered in completions or written by quick fixes', async () => {
      const dist = (v: string) => ({
        integrity: `sha512-${Buffer.from(v).toString('base64')}`,
        attestations: { url: 'x', provenance: { predicateType: 'https://slsa.dev/provenance/v1' } },
      });
      const versions: Record<string, unknown> = {};
      for (const v of ['1.0.0', ' 1.2.3 ', '1.2.4\n', '1.2.5\u200b', 'v1.2.6', '1.1.0'])
        versions[v] = { name: 'ws', version: v, dist: dist(v) };
      registry.fault({ path: '/ws', status: 200, body: { name: 'ws', 'dist-tags': { latest: '1.1.0' }, versions } });
      const engine = new ProvenanceEngine({
        registry: `${registry.url}/`,
        attestationRegistry: '',
        refreshTrust: false,
        useProjectNpmrc: false,
      });
      try {
        const { versions: listed } = await engine.listVersions('ws');
        // whatever the engine lists, the editor offers only exact versions
        const items = versionItems('ws', listed, new Map(), false);
        assert.deepEqual(
          items.map((i) => i.version),
          ['1.1.0', '1.0.0'],
        );
        const order = candidateOrder({ range: '^1.0.0', current: '1.0.0', versions: listed });
        assert.deepEqual(order, ['1.1.0']);
        assert.deepEqual(newestFirstAttested(listed), ['1.1.0', '1.0.0']);
      } finally {
        await engine.dispose();
      }
      assert.equal(rewriteSpec('^1.0.0', ' 1.2.3 ', ['1.0.0', ' 1.2.3 ']).spec, '^1.0.0');
      const located = { name: 'ws', spec: '^1.0.0' } as Parameters<typeof fixFor>[0];
      const dep = { dependency: { kind: 'range' }, verdict: undefined } as unknown as Parameters<typeof fixFor>[1];
      const suggestion = {
        name: 'ws',
        versions: [],
        attestedCount: 1,
        checkedWithoutSuccess: 0,
        fix: { version: '1.2.4\n', verdict: verified('ws', '1.2.4\n') },
      };
      assert.equal(fixFor(located, dep, suggestion), undefined);
      assert.ok(isExactVersion('1.2.3') && isExactVersion('1.2.3-beta.1+b'));
      for (const bad of [' 1.2.3 ', '1.2.3\n', 'v1.2.3', '=1.2.3', '1.2.3\u200b', '']) assert.ok(!isExactVersion(bad), JSON.stringify(bad));
    });
  });
});
