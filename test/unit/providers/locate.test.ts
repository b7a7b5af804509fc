import { strict as assert } from 'node:assert';
import { dependencyAt, dependencyOnLine, locateDependencies } from '../../../src/providers/locate/manifestLocator';
import { versionItems, versionSlot } from '../../../src/providers/completion/versionItems';
import { verified, invalid } from './fixtures';

const TEXT =
  '{\n  "name": "x",\n  "dependencies": { "a": "^1.0.0", "b": 3 },\n  "devDependencies": {\n    "@s/c": "npm:real@~2.1.0"\n  }\n}';

describe('manifest locator', () => {
  it('finds dependencies, their key and value spans, and section keys', () => {
    const located = locateDependencies(TEXT);
    assert.deepEqual(
      located.dependencies.map((d) => [d.section, d.name, d.spec]),
      [
        ['dependencies', 'a', '^1.0.0'],
        ['dependencies', 'b', undefined],
        ['devDependencies', '@s/c', 'npm:real@~2.1.0'],
      ],
    );
    const a = located.dependencies[0];
    assert.equal(TEXT.slice(a.nameSpan.offset, a.nameSpan.offset + a.nameSpan.length), '"a"');
    assert.equal(TEXT.slice(a.specSpan.offset, a.specSpan.offset + a.specSpan.length), '"^1.0.0"');
    assert.equal(located.malformed, false);
    assert.ok(located.sectionKeys.devDependencies);
  });

  it('maps an offset to the dependency under it, by name or version', () => {
    const located = locateDependencies(TEXT);
    assert.equal(dependencyAt(located, TEXT.indexOf('^1.0.0') + 2)?.part, 'spec');
    assert.equal(dependencyAt(located, TEXT.indexOf('"a"') + 1)?.dependency.name, 'a');
    assert.equal(dependencyAt(located, TEXT.indexOf('"name"')), undefined);
    assert.equal(dependencyOnLine(located, TEXT, TEXT.indexOf('@s/c') - 4)?.name, '@s/c');
  });

  it('reads what it can from malformed JSON without throwing', () => {
    const located = locateDependencies('{ "dependencies": { "a": "1.0.0", "b": } ');
    assert.equal(located.malformed, true);
    assert.equal(located.dependencies[0]?.name, 'a');
    assert.doesNotThrow(() => locateDependencies('\u0000\uffff[[[{'));
  });
});

describe('version completion model', () => {
  it('finds where the version goes, after alias prefixes and operators', () => {
    assert.deepEqual(versionSlot('"^1.0.0"', 10), { start: 12, end: 17, aliasName: undefined });
    assert.deepEqual(versionSlot('"npm:real@~2.1.0"', 0), { start: 11, end: 16, aliasName: 'real' });
    assert.deepEqual(versionSlot('""', 0), { start: 1, end: 1, aliasName: undefined });
    assert.equal(versionSlot('"git+https://x/y.git"', 0), undefined);
    assert.equal(versionSlot('"file:../x"', 0), undefined);
    assert.equal(versionSlot('"user/repo"', 0), undefined);
  });

  it('lists versions newest first, marking only engine-verified ones as verified', () => {
    const known = new Map([
      ['p@2.0.0', verified('p', '2.0.0')],
      ['p@1.9.0', invalid('p', '1.9.0')],
    ]);
    const versions = [
      { version: '2.1.0', hasAttestations: true },
      { version: '2.0.0', hasAttestations: true },
      { version: '1.9.0', hasAttestations: true },
      { version: '1.8.0', hasAttestations: false, deprecated: true },
    ];
    const items = versionItems('p', versions, known, false);
    assert.deepEqual(
      items.map((i) => [i.version, i.marker]),
      [
        ['2.1.0', 'attested'],
        ['2.0.0', 'verified'],
        ['1.9.0', 'invalid'],
        ['1.8.0', 'none'],
      ],
    );
    assert.ok(items[0].sortText < items[1].sortText);
    assert.doesNotMatch(items[0].detail, /✓/);
    assert.match(items[3].detail, /deprecated/);
    assert.deepEqual(
      versionItems('p', versions, known, true).map((i) => i.version),
      ['2.0.0'],
    );
    // The newest verified version is preselected, never the unchecked newer one.
    assert.deepEqual(
      items.filter((i) => i.preselect).map((i) => i.version),
      ['2.0.0'],
    );
    // Behind a registry that strips attestations, a version without them is unknown, not "no provenance".
    const stripped = versionItems('p', versions, new Map(), false, true);
    assert.equal(stripped[3].marker, 'unknown');
    assert.doesNotMatch(stripped[3].detail, /no provenance/);
  });
});
