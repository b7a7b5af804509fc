import { strict as assert } from 'node:assert';
import { effectiveValue, engineOptions, ignoredWorkspaceSettings, normaliseSettings } from '../../../src/providers/config/lensSettings';

describe('settings and workspace trust', () => {
  const registry = { defaultValue: '', globalValue: 'https://user.example/', workspaceValue: 'https://evil.example/' };

  it('uses workspace values only in a trusted workspace for restricted settings', () => {
    assert.equal(effectiveValue(registry, true, true), 'https://evil.example/');
    assert.equal(effectiveValue(registry, false, true), 'https://user.example/');
    assert.equal(effectiveValue({ defaultValue: 'd', workspaceFolderValue: 'f' }, false, true), 'd');
    assert.equal(effectiveValue({ defaultValue: 8, workspaceValue: 4 }, false, false), 4);
  });

  it('names the workspace values it ignores', () => {
    const inspect = (key: string) => (key === 'registry' ? registry : key === 'npmKeys' ? { workspaceFolderValue: 'k.json' } : undefined);
    assert.deepEqual(ignoredWorkspaceSettings(inspect, false), ['provenanceLens.registry', 'provenanceLens.npmKeys']);
    assert.deepEqual(ignoredWorkspaceSettings(inspect, true), []);
  });

  it('normalises odd values and builds engine options (project .npmrc off when untrusted)', () => {
    const values: Record<string, unknown> = {
      registry: '  ',
      attestationRegistry: undefined,
      concurrency: 1000,
      ignore: ['a', 3, ' b '],
      'badges.style': 'loud',
      noProvenanceSeverity: 'warning',
      'scan.mode': 'lockfile',
      trustedRoot: 'root.json',
    };
    const s = normaliseSettings((k) => values[k]);
    assert.equal(s.registry, '');
    assert.equal(s.attestationRegistry, 'https://registry.npmjs.org');
    assert.equal(s.concurrency, 32);
    assert.deepEqual(s.ignore, ['a', 'b']);
    assert.equal(s.badgeStyle, 'full');
    assert.equal(s.noProvenanceSeverity, 'warning');
    assert.equal(s.scanMode, 'lockfile');
    const o = engineOptions(s, { trusted: false, cacheDir: '/c', resolvePath: (p) => `/w/${p}` });
    assert.equal(o.useProjectNpmrc, false);
    assert.equal(o.registry, undefined);
    // a relative path from user settings is not resolved against the workspace folder (see test/adversarial/hostile-workspace)
    assert.equal(o.trustedRootPath, 'root.json');
    assert.equal(o.cacheDir, '/c');
    assert.equal(engineOptions(s, { trusted: true }).useProjectNpmrc, true);
    assert.equal(normaliseSettings((k) => (k === 'attestationRegistry' ? '' : undefined)).attestationRegistry, '');
  });
});
