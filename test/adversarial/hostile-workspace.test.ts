/**
 * Hostile workspace files and settings: FIFOs, device links and huge files where package.json, lockfiles,
 * .npmrc, cafile and trust files are read; an untrusted workspace switching the window to offline; a
 * relative trust-file path in user settings.
 * @positions pull-request, local
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProvenanceEngine } from '../../src/verify/engine';
import { readLockfile } from '../../src/verify/resolve/lockfile';
import { scanProject, ScanSetupError } from '../../src/verify/scan';
import { loadNpmConfig } from '../../src/verify/registry/npmrc';
import { readRegularFile, readRegularFileSync, UnsafeFileError } from '../../src/verify/fs/safeRead';
import {
  effectiveScope,
  effectiveValue,
  engineOptions,
  type Inspected,
  normaliseSettings,
  RESTRICTED_SETTINGS,
  resolvePathSetting,
} from '../../src/providers/config/lensSettings';
import { tempDir, isolatedEnv } from '../unit/registry/helpers';

const posix = process.platform !== 'win32';

function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

/** Releases any reader blocked on the FIFO (open for writing succeeds only while a reader waits), then removes it. */
function releaseFifo(file: string): void {
  try {
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    fs.closeSync(fd);
  } catch {
    /* no reader: nothing to release */
  }
}

describe('hostile workspace', function () {
  let tmp: ReturnType<typeof tempDir>;
  const fifos: string[] = [];
  beforeEach(() => {
    tmp = tempDir('pl-hostile-ws-');
  });
  afterEach(() => {
    for (const f of fifos.splice(0)) releaseFifo(f);
    tmp.cleanup();
  });
  const fifo = (file: string): string => {
    mkfifo(file);
    fifos.push(file);
    return file;
  };

  describe('files that are not regular files, or too large', () => {
    before(function () {
      if (!posix) this.skip();
    });

    it('the safe reader refuses a FIFO and a device at once, and a file over its cap', async () => {
      const pipe = fifo(path.join(tmp.dir, 'pipe'));
      await assert.rejects(readRegularFile(pipe, { maxBytes: 1024, what: 'package.json' }), (err: unknown) => {
        assert.ok(err instanceof UnsafeFileError);
        assert.equal(err.reason, 'not-a-regular-file');
        assert.match(err.message, /package\.json .*pipe is a FIFO \(named pipe\), not a regular file/);
        return true;
      });
      assert.throws(() => readRegularFileSync(pipe, { maxBytes: 1024 }), /FIFO/);
      const zero = path.join(tmp.dir, 'zero');
      fs.symlinkSync('/dev/zero', zero);
      await assert.rejects(readRegularFile(zero, { maxBytes: 1024 }), /character device, not a regular file/);
      const big = path.join(tmp.dir, 'big');
      fs.writeFileSync(big, Buffer.alloc(2048));
      await assert.rejects(readRegularFile(big, { maxBytes: 1024, what: 'lockfile' }), /lockfile .*big is larger than 1 kB/);
      assert.equal((await readRegularFile(big, { maxBytes: 2048 })).length, 2048);
      // a symbolic link to a regular file is followed, as the package manager follows it
      fs.symlinkSync(big, path.join(tmp.dir, 'link'));
      assert.equal((await readRegularFile(path.join(tmp.dir, 'link'), { maxBytes: 4096 })).length, 2048);
    });

    it('scan: a package.json that is a FIFO is refused with a clear message instead of hanging', async () => {
      fifo(path.join(tmp.dir, 'package.json'));
      const engine = new ProvenanceEngine({
        registry: 'http://127.0.0.1:9/',
        attestationRegistry: '',
        refreshTrust: false,
        useProjectNpmrc: false,
      });
      try {
        await assert.rejects(scanProject(engine, tmp.dir), (err: unknown) => {
          assert.ok(err instanceof ScanSetupError, String(err));
          assert.match(err.message, /FIFO \(named pipe\), not a regular file/);
          return true;
        });
      } finally {
        await engine.dispose();
      }
    });

    it('scan: a package.json linked to /dev/zero is refused, not read', async () => {
      fs.symlinkSync('/dev/zero', path.join(tmp.dir, 'package.json'));
      const engine = new ProvenanceEngine({
        registry: 'http://127.0.0.1:9/',
        attestationRegistry: '',
        refreshTrust: false,
        useProjectNpmrc: false,
      });
      try {
        await assert.rejects(scanProject(engine, tmp.dir), /character device, not a regular file/);
      } finally {
        await engine.dispose();
      }
    });

    it('lockfiles: a FIFO, a link to /dev/zero and a file over 64 MB are refused with the reason', async () => {
      const pipe = fifo(path.join(tmp.dir, 'package-lock.json'));
      await assert.rejects(readLockfile(pipe), /package-lock\.json.*FIFO \(named pipe\), not a regular file/);
      const zeroDir = path.join(tmp.dir, 'zero');
      fs.mkdirSync(zeroDir);
      fs.symlinkSync('/dev/zero', path.join(zeroDir, 'yarn.lock'));
      await assert.rejects(readLockfile(path.join(zeroDir, 'yarn.lock')), /character device, not a regular file/);
      const bigDir = path.join(tmp.dir, 'big');
      fs.mkdirSync(bigDir);
      const big = path.join(bigDir, 'pnpm-lock.yaml');
      fs.writeFileSync(big, '');
      fs.truncateSync(big, 65 * 1024 * 1024); // sparse: no real disk use
      await assert.rejects(readLockfile(big), /larger than 64 MB; not read/);
    });

    it('resolving a manifest whose workspace package.json is a FIFO does not hang', async () => {
      // the project's own package.json is fine; the lockfile search reads package.json files around it
      const root = path.join(tmp.dir, 'root');
      const member = path.join(root, 'packages', 'a');
      fs.mkdirSync(member, { recursive: true });
      fifo(path.join(root, 'package.json'));
      fs.writeFileSync(path.join(root, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n");
      const text = JSON.stringify({ name: 'a', dependencies: {} });
      fs.writeFileSync(path.join(member, 'package.json'), text);
      const engine = new ProvenanceEngine({
        registry: 'http://127.0.0.1:9/',
        attestationRegistry: '',
        refreshTrust: false,
        useProjectNpmrc: false,
      });
      try {
        const { resolved } = await engine.resolveManifest(path.join(member, 'package.json'), text);
        assert.deepEqual(resolved, []);
      } finally {
        await engine.dispose();
      }
    });

    it('.npmrc: a cafile that is a FIFO is refused with a warning (no hang)', () => {
      const project = path.join(tmp.dir, 'project');
      fs.mkdirSync(project);
      fs.writeFileSync(path.join(project, 'package.json'), '{}');
      const ca = fifo(path.join(tmp.dir, 'ca.pem'));
      fs.writeFileSync(path.join(project, '.npmrc'), `cafile=${ca}\n`);
      const config = loadNpmConfig({ npmrcDir: project, env: isolatedEnv(tmp.dir), home: tmp.dir });
      assert.equal(config.ca, undefined);
      assert.ok(
        config.warnings.some((w) => /cafile .*FIFO \(named pipe\), not a regular file/.test(w)),
        config.warnings.join('\n'),
      );
    });

    it('trust files: a trusted root that is a FIFO makes verdicts unavailable with the reason (no hang)', async () => {
      const root = fifo(path.join(tmp.dir, 'trusted_root.json'));
      const engine = new ProvenanceEngine({
        registry: 'http://127.0.0.1:9/',
        attestationRegistry: '',
        refreshTrust: false,
        useProjectNpmrc: false,
        trustedRootPath: root,
      });
      try {
        const verdict = await engine.verify({ name: 'alpha', version: '1.0.0' });
        assert.equal(verdict.status, 'unavailable');
        assert.equal(verdict.reason?.code, 'trust-material-unavailable');
        assert.match(verdict.reason!.message, /FIFO \(named pipe\), not a regular file/);
      } finally {
        await engine.dispose();
      }
    });
  });

  describe('settings in an untrusted workspace', () => {
    const RESTRICTED: ReadonlySet<string> = new Set(RESTRICTED_SETTINGS);
    /** What readSettings() computes, for the given inspected values. */
    const read = (values: Record<string, Inspected<unknown>>, trusted: boolean) =>
      normaliseSettings(
        (key) => effectiveValue(values[key], trusted, RESTRICTED.has(key)),
        (key) => effectiveScope(values[key], trusted, RESTRICTED.has(key)),
      );

    it('offline is restricted: a workspace cannot switch an untrusted window to answering from the cache', () => {
      const values = { offline: { defaultValue: false, workspaceValue: true } };
      assert.equal(read(values, false).offline, false);
      assert.equal(read(values, true).offline, true);
      assert.equal(read({ offline: { defaultValue: false, globalValue: true, workspaceValue: false } }, false).offline, true);
      const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
        contributes: { configuration: { properties: Record<string, { restricted?: boolean }> } };
        capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
      };
      for (const key of ['offline', 'registry', 'attestationRegistry', 'trustedRoot', 'npmKeys']) {
        assert.equal(pkg.contributes.configuration.properties[`provenanceLens.${key}`]?.restricted, true, key);
        assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(`provenanceLens.${key}`), key);
      }
    });

    it('trust history is restricted: a workspace cannot switch off every trust finding in an untrusted window', () => {
      const values = { 'trustHistory.enabled': { defaultValue: true, workspaceValue: false } };
      assert.equal(read(values, false).trustHistory, true);
      assert.equal(read(values, true).trustHistory, false);
      const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
        contributes: { configuration: { properties: Record<string, { restricted?: boolean }> } };
        capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
      };
      assert.equal(pkg.contributes.configuration.properties['provenanceLens.trustHistory.enabled']?.restricted, true);
      assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('provenanceLens.trustHistory.enabled'));
    });

    it('a relative trustedRoot / npmKeys from user settings is refused, not resolved against the workspace folder', () => {
      const warnings: string[] = [];
      const logger = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
      const settings = read(
        { trustedRoot: { defaultValue: '', globalValue: 'trust/root.json' }, npmKeys: { defaultValue: '', globalValue: 'keys.json' } },
        false,
      );
      const options = engineOptions(settings, { trusted: false, logger, resolvePath: (p) => `/workspace/${p}` });
      assert.notEqual(options.trustedRootPath, '/workspace/trust/root.json');
      assert.notEqual(options.npmKeysPath, '/workspace/keys.json');
      assert.ok(!path.isAbsolute(options.trustedRootPath!), 'passed on unresolved, so the engine refuses it');
      assert.equal(warnings.length, 2);
      assert.match(
        warnings[0]!,
        /provenanceLens\.trustedRoot is the relative path "trust\/root\.json" in your user or machine settings: refused/,
      );
      // the same in a trusted workspace: a user value is still never relative to the workspace
      const trusted = engineOptions(read({ trustedRoot: { globalValue: 'root.json' } }, true), {
        trusted: true,
        resolvePath: (p) => `/workspace/${p}`,
      });
      assert.equal(trusted.trustedRootPath, 'root.json');
    });

    it("a trusted workspace's own relative value is resolved against its folder; absolute and ~/ paths are taken as they are", () => {
      const ws = engineOptions(
        read({ trustedRoot: { workspaceValue: 'root.json' }, npmKeys: { workspaceFolderValue: 'k/keys.json' } }, true),
        {
          trusted: true,
          resolvePath: (p) => `/workspace/${p}`,
        },
      );
      assert.equal(ws.trustedRootPath, '/workspace/root.json');
      assert.equal(ws.npmKeysPath, '/workspace/k/keys.json');
      assert.deepEqual(resolvePathSetting('trustedRoot', '/etc/root.json', 'user', { trusted: false }), { path: '/etc/root.json' });
      assert.deepEqual(resolvePathSetting('trustedRoot', '~/sigstore/root.json', 'user', { trusted: false, home: '/home/me' }), {
        path: '/home/me/sigstore/root.json',
      });
      // an untrusted workspace's value never gets here (effectiveValue drops it); if it did, it is refused
      assert.ok(
        resolvePathSetting('npmKeys', 'keys.json', 'workspace', { trusted: false, resolveRelative: (p) => `/workspace/${p}` }).problem,
      );
    });

    it('the engine refuses a relative trust-file path with a clear reason', async () => {
      const engine = new ProvenanceEngine({
        registry: 'http://127.0.0.1:9/',
        attestationRegistry: '',
        refreshTrust: false,
        useProjectNpmrc: false,
        trustedRootPath: 'trusted_root.json',
      });
      try {
        const verdict = await engine.verify({ name: 'alpha', version: '1.0.0' });
        assert.equal(verdict.reason?.code, 'trust-material-unavailable');
        assert.match(verdict.reason!.message, /"trusted_root\.json" is not an absolute path: refused/);
      } finally {
        await engine.dispose();
      }
    });
  });
});
