import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PolicyStore } from '../../../src/providers/state/policy';

const VALID = '{ "severity": { "workflow-changed": "error" } }';

describe('trust policy in the editor (the same file the CLI reads)', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-policy-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const write = (rel: string, text: string) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };
  const store = (o: { trusted?: boolean; setting?: { path?: string; problem?: string }; folder?: string } = {}) =>
    new PolicyStore({ trusted: () => o.trusted ?? true, policyFile: () => o.setting ?? {}, workspaceFolderOf: () => o.folder });

  it('a package.json in a repository member folder gets the policy at the repository root', async () => {
    fs.mkdirSync(path.join(root, 'repo', '.git'), { recursive: true });
    const policy = write('repo/.provenance-lens.json', VALID);
    const manifest = write('repo/packages/a/package.json', '{}');
    const loaded = await store().forManifest(manifest);
    assert.deepEqual(loaded.status, { path: policy, errors: [], applied: true });
    assert.equal(loaded.policy?.severity['workflow-changed'], 'error');
  });

  it('never above the repository root; without a repository, up to the workspace folder and no further', async () => {
    write('.provenance-lens.json', VALID); // above everything below
    fs.mkdirSync(path.join(root, 'repo', '.git'), { recursive: true });
    const inRepo = write('repo/package.json', '{}');
    assert.deepEqual((await store({ folder: root }).forManifest(inRepo)).status, { errors: [], applied: false });
    const ws = path.join(root, 'ws');
    const policy = write('ws/.provenance-lens.json', VALID);
    const member = write('ws/apps/web/package.json', '{}');
    assert.equal((await store({ folder: ws }).forManifest(member)).status.path, policy);
    const outside = write('elsewhere/deep/package.json', '{}');
    assert.equal((await store({ folder: path.join(root, 'elsewhere', 'deep') }).forManifest(outside)).status.path, undefined);
  });

  it('Restricted Mode: a policy found in the workspace is not applied, and says why', async () => {
    const policy = write('.provenance-lens.json', '{ "severity": { "trusted-publisher-lost": "off" } }');
    const manifest = write('package.json', '{}');
    const loaded = await store({ trusted: false, folder: root }).forManifest(manifest);
    assert.equal(loaded.policy, undefined);
    assert.equal(loaded.status.applied, false);
    assert.equal(loaded.status.path, policy);
    assert.match(
      loaded.status.notApplied ?? '',
      /^Restricted Mode: the trust policy .+ is not applied, because this workspace is not trusted and a policy can turn findings off\./,
    );
  });

  it('the policyFile setting (the user’s own) applies in Restricted Mode too; a refused setting is an error', async () => {
    const own = write('home/my-policy.json', VALID);
    write('.provenance-lens.json', '{ "severity": { "trusted-publisher-lost": "off" } }');
    const manifest = write('package.json', '{}');
    const loaded = await store({ trusted: false, folder: root, setting: { path: own } }).forManifest(manifest);
    assert.deepEqual(loaded.status, { path: own, errors: [], applied: true });
    assert.equal(loaded.policy?.severity['trusted-publisher-lost'], undefined, 'the workspace file is not read');
    const refused = await store({
      setting: { problem: 'provenanceLens.policyFile is the relative path "p.json" in your user settings: refused.' },
    }).forManifest(manifest);
    assert.deepEqual(refused.status, {
      errors: ['provenanceLens.policyFile is the relative path "p.json" in your user settings: refused.'],
      applied: false,
    });
  });

  it('a policy with errors is not applied and names each error; a changed file is read again after clear()', async () => {
    const file = write('.provenance-lens.json', '{ "exclude": [{ "package": "left-pad@1" }], "colour": 1 }');
    const manifest = write('package.json', '{}');
    const s = store({ folder: root });
    const broken = await s.forManifest(manifest);
    assert.equal(broken.policy, undefined);
    assert.equal(broken.status.applied, false);
    assert.ok(
      broken.status.errors.some((e) => /unknown setting "colour"/.test(e)),
      broken.status.errors.join('\n'),
    );
    assert.ok(
      broken.status.errors.some((e) => /exclude\[0\]\.reason is required/.test(e)),
      broken.status.errors.join('\n'),
    );
    fs.writeFileSync(file, VALID);
    assert.equal((await s.forManifest(manifest)).status.applied, false, 'read once until cleared');
    s.clear();
    assert.equal((await s.forManifest(manifest)).status.applied, true);
  });
});
