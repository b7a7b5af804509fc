import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseManifest, parseManifestSliced } from '../../../src/verify/resolve/manifest';
import type { ManifestParseResult, TextSpan } from '../../../src/verify/types';

const FIXTURES = path.resolve(__dirname, '../../fixtures/resolve/manifests');
const read = (file: string): string => fs.readFileSync(path.join(FIXTURES, file), 'utf8');
const slice = (text: string, span: TextSpan): string => text.slice(span.offset, span.offset + span.length);

/** Every dependency's spans cut out of the text must be exactly its quoted key and quoted value. */
function assertSpans(text: string, result: ManifestParseResult): void {
  for (const d of result.dependencies) {
    const key = slice(text, d.nameSpan);
    const value = slice(text, d.specSpan);
    assert.equal(JSON.parse(key), d.name, `nameSpan of ${d.name} cuts ${key}`);
    assert.equal(JSON.parse(value), d.spec, `specSpan of ${d.name} cuts ${value}`);
    assert.ok(key.startsWith('"') && key.endsWith('"'));
    assert.ok(value.startsWith('"') && value.endsWith('"'));
  }
}

describe('resolve/manifest: parseManifest', () => {
  it('reads every section in document order, with kinds, spans, name, version and workspaces', () => {
    const text = read('every-kind.json');
    const m = parseManifest(text);
    assert.deepEqual(m.problems, []);
    assert.equal(m.packageName, '@acme/spec-zoo');
    assert.equal(m.packageVersion, '2.3.4');
    assert.deepEqual(m.workspaces, ['packages/*', 'tools/cli']);
    assert.deepEqual(
      m.dependencies.map((d) => `${d.section}:${d.name}:${d.kind}`),
      [
        'dependencies:exact:version',
        'dependencies:caret:range',
        'dependencies:any:range',
        'dependencies:empty:range',
        'dependencies:tagged:tag',
        'dependencies:alias:alias',
        'dependencies:scoped-alias:alias',
        'dependencies:gh-short:git',
        'dependencies:gh:git',
        'dependencies:git-ssh:git',
        'dependencies:tarball-file:file',
        'dependencies:dir:directory',
        'dependencies:linked:link',
        'dependencies:ws:workspace',
        'dependencies:remote:remote',
        'dependencies:cat:catalog',
        'dependencies:bad:invalid',
        'devDependencies:typescript:range',
        'devDependencies:@types/node:range',
        'optionalDependencies:fsevents:range',
        'peerDependencies:react:range',
      ],
    );
    const alias = m.dependencies.find((d) => d.name === 'alias');
    assert.equal(alias?.registryName, 'real-pkg');
    assert.equal(alias?.registrySpec, '^2.0.0');
    assert.match(m.dependencies.find((d) => d.name === 'bad')?.error ?? '', /not a valid spec!|neither a version/);
    assertSpans(text, m);
    // The spans point at the exact characters, e.g. for a quick fix that replaces the spec.
    const caret = m.dependencies.find((d) => d.name === 'caret')!;
    const edited = text.slice(0, caret.specSpan.offset) + '"^1.3.0"' + text.slice(caret.specSpan.offset + caret.specSpan.length);
    assert.equal(JSON.parse(edited).dependencies.caret, '^1.3.0');
  });

  it('keeps spans right with escapes, tabs and odd spacing (the name is the decoded key)', () => {
    const text = read('escapes-and-tabs.json');
    const m = parseManifest(text);
    assert.deepEqual(m.problems, []);
    assert.equal(m.packageName, 'café-app');
    assert.deepEqual(
      m.dependencies.map((d) => [d.name, d.spec]),
      [
        ['lodash', '^4.17.21'],
        ['debug', '4.3.4'],
        ['ms', '2.1.3'],
        ['semver', '^7.6.0'],
      ],
    );
    assert.equal(slice(text, m.dependencies[0].nameSpan), '"l\\u006fdash"');
    assertSpans(text, m);
  });

  it('keeps spans right with CRLF line ends, non-ASCII text before the dependencies and a byte-order mark', () => {
    const text =
      '\uFEFF{\r\n  "description": "日本語 — émoji 🎉",\r\n  "dependencies": {\r\n    "lodash": "^4.17.21",\r\n    "ms": "2.1.3"\r\n  }\r\n}\r\n';
    const m = parseManifest(text);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(
      m.dependencies.map((d) => d.name),
      ['lodash', 'ms'],
    );
    assertSpans(text, m);
  });

  it('reads a malformed package.json: problems with spans, and every dependency that could be read', () => {
    const text = read('malformed.json');
    const m = parseManifest(text);
    assert.equal(m.packageName, 'broken-app');
    assert.equal(m.packageVersion, undefined);
    assert.deepEqual(
      m.dependencies.map((d) => `${d.section}:${d.name}@${d.spec}`),
      [
        'dependencies:lodash@^4.17.21',
        'dependencies:debug@^4.3.4',
        'dependencies:chalk@^5.3.0', // the last of the duplicates, as npm reads it
        'dependencies:kleur@^4.1.5',
        'devDependencies:typescript@~5.4.0',
        'devDependencies:zod@^3.23.0',
        'optionalDependencies:fsevents@^2.3.2',
      ],
    );
    assertSpans(text, m);
    const problems = m.problems.map((p) => ({ message: p.message, at: slice(text, p.span) }));
    const find = (re: RegExp) => problems.find((p) => re.test(p.message));
    assert.equal(find(/comma is expected.*line 6/)?.at, '"debug"');
    assert.equal(find(/Trailing commas/)?.at, ',');
    assert.equal(find(/Unterminated string/)?.at, '"^1.0.');
    assert.equal(find(/"version" must be a string/)?.at, '3');
    assert.equal(find(/empty package name/)?.at, '""');
    assert.equal(find(/"chalk" appears more than once/)?.at, '"chalk"');
    assert.equal(slice(text, m.problems.find((p) => /"chalk" appears/.test(p.message))!.span), '"chalk"');
    assert.ok(
      text.indexOf(find(/"chalk" appears/)!.at) < text.lastIndexOf('"chalk"'),
      'the problem points at the overridden (first) entry',
    );
    assert.equal(find(/spec of "ms".*number 2/)?.at, '2');
    assert.equal(find(/spec of "semver".*array/)?.at, '["^7"]');
    assert.equal(find(/"peerDependencies" must be an object/)?.at, '"react"');
    assert.ok(find(/closing brace/), 'the unclosed object is reported');
    // No dependency made from the unterminated string.
    assert.equal(
      m.dependencies.find((d) => d.name === 'broken'),
      undefined,
    );
  });

  it('reports non-objects and empty input without throwing', () => {
    assert.match(parseManifest('').problems[0].message, /empty/);
    assert.match(parseManifest('   \n').problems[0].message, /empty/);
    assert.match(parseManifest('[1, 2]').problems[0].message, /must contain a JSON object, not an array/);
    assert.match(parseManifest('"just a string"').problems[0].message, /not a string|must contain a JSON object/);
    const garbage = parseManifest('<<<<<<< HEAD\n{"dependencies": {"a": "1.0.0"}}');
    assert.ok(garbage.problems.length > 0);
    assert.doesNotThrow(() => parseManifest(undefined as unknown as string));
    assert.equal(parseManifest(null as unknown as string).dependencies.length, 0);
  });

  it('reports comments (npm cannot read them) but still reads the dependencies', () => {
    const text = '{\n  // tools\n  "devDependencies": { "typescript": "~5.4.0" /* pinned */ }\n}';
    const m = parseManifest(text);
    assert.deepEqual(
      m.dependencies.map((d) => d.name),
      ['typescript'],
    );
    assert.equal(m.problems.filter((p) => /Comments are not allowed/.test(p.message)).length, 2);
    assert.equal(slice(text, m.problems[0].span), '// tools');
  });

  it('reads workspaces as an array, as { packages }, and reports bad ones', () => {
    assert.deepEqual(parseManifest('{"workspaces": ["a/*", "b"]}').workspaces, ['a/*', 'b']);
    assert.deepEqual(parseManifest('{"workspaces": {"packages": ["apps/*"]}}').workspaces, ['apps/*']);
    assert.deepEqual(parseManifest('{"workspaces": {"nohoist": ["x"]}}').workspaces, []);
    assert.equal(parseManifest('{"name": "x"}').workspaces, undefined);
    const bad = parseManifest('{"workspaces": ["a/*", 3]}');
    assert.deepEqual(bad.workspaces, ['a/*']);
    assert.match(bad.problems[0].message, /folder glob string/);
    assert.match(parseManifest('{"workspaces": "packages/*"}').problems[0].message, /must be an array/);
  });

  it('uses the last of duplicate sections, as JSON.parse does, and says so', () => {
    const text = '{"dependencies": {"a": "1.0.0"}, "dependencies": {"b": "2.0.0"}}';
    const m = parseManifest(text);
    assert.deepEqual(
      m.dependencies.map((d) => d.name),
      ['b'],
    );
    assert.match(m.problems[0].message, /"dependencies" appears more than once/);
    assert.equal(m.problems[0].span.offset, 1);
  });

  it('accepts null sections silently and a missing section as none', () => {
    const m = parseManifest('{"dependencies": null, "devDependencies": {}}');
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.dependencies, []);
  });
});

describe('resolve/manifest: the parse in slices', () => {
  it('gives exactly what the one-pass parse gives, for every fixture and whatever the slicing', async () => {
    const files = fs.readdirSync(FIXTURES);
    assert.ok(files.length >= 3, files.join(', '));
    for (const file of files) {
      const text = read(file);
      const once = parseManifest(text);
      assert.deepEqual(await parseManifestSliced(text, 0), once, file);
      assert.deepEqual(await parseManifestSliced(text), once, file);
    }
    for (const broken of ['', '{', '[]', '{"dependencies": {"a": 1, "b": "^1"', 'null']) {
      assert.deepEqual(await parseManifestSliced(broken, 0), parseManifest(broken), JSON.stringify(broken));
    }
  });

  it('lets the event loop turn while a thousand dependencies are classified', async () => {
    const deps = Object.fromEntries(
      Array.from({ length: 1000 }, (_, i) => [i % 4 ? `p${i}` : `@s/p${i}`, i % 7 ? `^1.${i}.0` : `npm:other@${i}`]),
    );
    const text = JSON.stringify({ name: 'big', dependencies: deps }, null, 2);
    let turns = 0;
    let done = false;
    const tick = (): void => {
      turns++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    const sliced = await parseManifestSliced(text, 0);
    done = true;
    assert.ok(turns > 10, `${turns} turns of the event loop during the parse`);
    assert.equal(sliced.dependencies.length, 1000);
    assert.deepEqual(sliced, parseManifest(text));
  });
});
