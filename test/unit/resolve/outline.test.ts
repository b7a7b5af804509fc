import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { locateDependencies } from '../../../src/providers/locate/manifestLocator';
import { parseManifest } from '../../../src/verify/resolve/manifest';
import { readManifest } from '../../../src/verify/resolve/outline';

const FIXTURES = path.resolve(__dirname, '../../fixtures/resolve/manifests');

describe('resolve/outline: one reading of package.json for the engine and the editor', () => {
  for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json'))) {
    it(`${file}: the editor locates exactly the dependencies the engine parses`, () => {
      const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
      const engine = parseManifest(text).dependencies.map((d) => [d.section, d.name, d.spec, d.nameSpan, d.specSpan]);
      const editor = locateDependencies(text)
        .dependencies.filter((d) => d.spec !== undefined)
        .map((d) => [d.section, d.name, d.spec, d.nameSpan, d.specSpan]);
      // The locator may also list entries being typed (unterminated strings); the rest is the same list.
      const outline = readManifest(text);
      const typed = new Set(outline.entries.filter((e) => e.unterminated).map((e) => e.nameSpan.offset));
      assert.deepEqual(
        editor.filter((d) => !typed.has((d[3] as { offset: number }).offset)),
        engine,
      );
    });
  }

  it('reads a byte-order mark as npm does, in the editor too', () => {
    const text = '\uFEFF{\n  "dependencies": { "a": "^1.0.0" }\n}\n';
    const located = locateDependencies(text);
    assert.equal(located.malformed, false);
    assert.deepEqual(located.errors, []);
    assert.deepEqual(
      located.dependencies.map((d) => [d.name, d.spec, text.slice(d.specSpan.offset, d.specSpan.offset + d.specSpan.length)]),
      [['a', '^1.0.0', '"^1.0.0"']],
    );
    assert.deepEqual(parseManifest(text).problems, []);
  });

  it('keeps only the last of duplicate keys, as npm does; section keys name the one that counts', () => {
    const text = '{ "dependencies": { "a": "1.0.0" }, "dependencies": { "a": "2.0.0", "a": "3.0.0" } }';
    const located = locateDependencies(text);
    assert.deepEqual(
      located.dependencies.map((d) => d.spec),
      ['3.0.0'],
    );
    assert.equal(located.sectionKeys.dependencies?.offset, text.lastIndexOf('"dependencies"'));
    assert.deepEqual(
      parseManifest(text).dependencies.map((d) => d.spec),
      ['3.0.0'],
    );
  });

  it('gives the editor non-string specs and strings being typed, the engine only readable specs', () => {
    const text = '{ "dependencies": { "n": 3, "t": "^1.';
    const outline = readManifest(text);
    assert.deepEqual(
      outline.entries.map((e) => [e.name, e.spec, e.unterminated ?? false]),
      [
        ['n', undefined, false],
        ['t', '^1.', true],
      ],
    );
    assert.deepEqual(
      locateDependencies(text).dependencies.map((d) => d.name),
      ['n', 't'],
    );
    assert.deepEqual(parseManifest(text).dependencies, []);
    assert.ok(parseManifest(text).problems.some((p) => /"n" in "dependencies" must be a string/.test(p.message)));
  });

  it('an empty document is malformed for the editor (a value is expected) and "empty" for the engine', () => {
    for (const text of ['', '  \n']) {
      const located = locateDependencies(text);
      assert.equal(located.malformed, true);
      assert.deepEqual(located.errors, [{ offset: text.length, length: 0, code: 4 }]);
      assert.deepEqual(
        parseManifest(text).problems.map((p) => p.message),
        ['package.json is empty.'],
      );
    }
  });
});
