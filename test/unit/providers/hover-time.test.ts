/** Which publish time the hover shows: the signed transparency-log time, or the registry's unsigned time labelled as such. */
import { strict as assert } from 'node:assert';
import { buildHoverMarkdown } from '../../../src/providers/format/hover';
import { facts, noProvenance, verified } from './fixtures';

const base = { name: 'pkg', spec: '^1.2.0', section: 'dependencies', documentUri: 'file:///w/package.json' };

describe('hover: publish time', () => {
  it('a verified version shows the transparency-log time, marked as such', () => {
    const verdict = {
      ...verified(),
      facts: { ...facts(), publishTime: '2023-02-09T17:56:10.000Z' },
      registryPublishTime: '2001-01-01T00:00:00.000Z',
    };
    const md = buildHoverMarkdown({ ...base, verdict }).replace(/\\(.)/g, '$1'); // read it unescaped
    assert.match(md, /\*\*Published:\*\* 2023-02-09T17:56:10\.000Z \(transparency log\)/);
    assert.ok(!md.includes('2001-01-01'), 'the unsigned registry time must not be shown beside the signed one');
  });

  it('a signatures-only version shows the registry time labelled as unsigned, never as a plain fact', () => {
    const verdict = { ...noProvenance(), registryPublishTime: '2022-05-01T10:00:00.000Z' };
    const md = buildHoverMarkdown({ ...base, verdict }).replace(/\\(.)/g, '$1'); // read it unescaped
    assert.match(md, /\*\*Published:\*\* 2022-05-01T10:00:00\.000Z \(as the registry reports it; not signed\)/);
  });
});
