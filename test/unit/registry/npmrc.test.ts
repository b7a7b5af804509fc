import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { envReplace, findLocalPrefix, loadNpmConfig, nerfDart, parseNpmrc, parseRetryAfter } from '../../../src/verify/registry';
import { tempDir } from './helpers';

const NPMRC_SOURCE = path.resolve(__dirname, '../../../src/verify/registry/npmrc.ts');

describe('.npmrc parsing', () => {
  it('reads key = value lines, quotes, comments and arrays as the ini package does', () => {
    const conf = parseNpmrc(
      [
        '; comment',
        '# another',
        'registry = https://r.example/ ',
        'quoted = "a;b#c"',
        "single = 'x y'",
        'inline = value ; trailing comment',
        'escaped = a\\;b',
        'flag',
        'ca[] = first',
        'ca[] = second',
        '//r.example/:_auth = dXNlcjpwYXNz==',
        '[section]',
        'ignored = yes',
      ].join('\r\n'),
    );
    assert.equal(conf.get('registry'), 'https://r.example/');
    assert.equal(conf.get('quoted'), 'a;b#c');
    assert.equal(conf.get('single'), 'x y');
    assert.equal(conf.get('inline'), 'value');
    assert.equal(conf.get('escaped'), 'a;b');
    assert.equal(conf.get('flag'), 'true');
    assert.deepEqual(conf.get('ca'), ['first', 'second']);
    assert.equal(conf.get('//r.example/:_auth'), 'dXNlcjpwYXNz==');
    assert.equal(conf.has('ignored'), false);
  });

  it("gives ini's true/false/null values as strings and drops [section] and [dotted.section] keys", () => {
    const conf = parseNpmrc('strict-ssl = false\nca = null\nflags[] = true\nflags[] = x\n[npm.sub]\nregistry = https://section.example/\n');
    assert.equal(conf.get('strict-ssl'), 'false');
    assert.equal(conf.get('ca'), 'null');
    assert.deepEqual(conf.get('flags'), ['true', 'x']);
    assert.deepEqual([...conf.keys()].sort(), ['ca', 'flags', 'strict-ssl']);
  });

  it('keeps the top-level keys of a file with a section named like a key, also in the strict-mode bundle', () => {
    // ini assigns the section's keys onto the string `registry` holds: a silent no-op in ini's own
    // (sloppy) module, a TypeError once esbuild bundles it into strict-mode dist/*.js.
    const text = 'registry=https://top.example/\n[registry]\nregistry=https://section.example/\n';
    assert.deepEqual([...parseNpmrc(text)], [['registry', 'https://top.example/']]);
    const bundled = esbuild.buildSync({
      entryPoints: [NPMRC_SOURCE],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
    });
    const code = bundled.outputFiles[0]!.text;
    assert.ok(code.startsWith('"use strict"'), 'the bundle is strict mode, as dist/extension.js and dist/cli.js are');
    const mod = { exports: {} as { parseNpmrc?: typeof parseNpmrc } };
    new Function('module', 'exports', 'require', code)(mod, mod.exports, createRequire(NPMRC_SOURCE));
    assert.deepEqual([...mod.exports.parseNpmrc!(text)], [['registry', 'https://top.example/']]);
  });

  it('expands ${VAR} like npm: ${VAR?} is empty when unset, unset ${VAR} stays, \\${VAR} is literal', () => {
    const env = { TOKEN: 'abc' };
    assert.equal(envReplace('${TOKEN}', env), 'abc');
    assert.equal(envReplace('x-${TOKEN}-y', env), 'x-abc-y');
    assert.equal(envReplace('${MISSING}', env), '${MISSING}');
    assert.equal(envReplace('${MISSING?}', env), '');
    assert.equal(envReplace('\\${TOKEN}', env), '${TOKEN}');
  });

  it('computes nerf darts', () => {
    assert.equal(nerfDart('https://registry.npmjs.org/'), '//registry.npmjs.org/');
    assert.equal(nerfDart('http://127.0.0.1:4873/some/path/'), '//127.0.0.1:4873/some/path/');
    assert.equal(nerfDart('http://127.0.0.1:4873/some/path'), '//127.0.0.1:4873/some/');
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter(new Date(10_000 + 5000).toUTCString(), 10_000), 5000);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });
});

describe('npm configuration loading', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir('pl-npmrc-');
  });
  afterEach(() => tmp.cleanup());

  const write = (rel: string, text: string): string => {
    const file = path.join(tmp.dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };

  function setup(): { env: Record<string, string>; project: string } {
    const home = path.join(tmp.dir, 'home');
    fs.mkdirSync(home, { recursive: true });
    write('global/etc/npmrc', 'registry=https://global.example/\nstrict-ssl=false\n');
    write('home/.npmrc', 'registry=https://user.example/\n@u:registry=https://u.example/\n');
    write('proj/package.json', '{"name":"proj"}');
    const project = path.join(tmp.dir, 'proj');
    return { env: { HOME: home, PREFIX: path.join(tmp.dir, 'global') }, project };
  }

  it('merges global < user < project < environment', () => {
    const { env, project } = setup();
    assert.equal(loadNpmConfig({ npmrcDir: project, env }).registry, 'https://user.example/');
    write('proj/.npmrc', 'registry=https://project.example\n');
    const conf = loadNpmConfig({ npmrcDir: project, env });
    assert.equal(conf.registry, 'https://project.example/');
    assert.equal(conf.scopedRegistries['@u'], 'https://u.example/');
    assert.equal(conf.strictSSL, false);
    assert.deepEqual(
      conf.files.map((f) => [f.where, f.loaded]),
      [
        ['global', true],
        ['user', true],
        ['project', true],
      ],
    );
    const fromEnv = loadNpmConfig({
      npmrcDir: project,
      env: { ...env, npm_config_registry: 'https://env.example/', NPM_CONFIG_STRICT_SSL: 'true' },
    });
    assert.equal(fromEnv.registry, 'https://env.example/');
    assert.equal(fromEnv.strictSSL, true);
  });

  it('ignores the project .npmrc when asked to', () => {
    const { env, project } = setup();
    write('proj/.npmrc', 'registry=https://project.example/\n');
    const conf = loadNpmConfig({ npmrcDir: project, env, useProjectNpmrc: false });
    assert.equal(conf.registry, 'https://user.example/');
    assert.equal(conf.projectDir, undefined);
  });

  it('finds the project .npmrc at the nearest package root above npmrcDir, or the workspace root', () => {
    const { env } = setup();
    write('mono/package.json', JSON.stringify({ name: 'mono', workspaces: ['packages/*'] }));
    write('mono/.npmrc', 'registry=https://mono.example/\n');
    write('mono/packages/a/package.json', '{"name":"a"}');
    write('mono/packages/a/.npmrc', 'registry=https://ignored-workspace.example/\n');
    write('mono/packages/a/src/deep/file.txt', '');
    write('mono/tools/x/package.json', '{"name":"x"}');
    assert.equal(findLocalPrefix(path.join(tmp.dir, 'mono/packages/a/src/deep')), path.join(tmp.dir, 'mono'));
    assert.equal(loadNpmConfig({ npmrcDir: path.join(tmp.dir, 'mono/packages/a'), env }).registry, 'https://mono.example/');
    // not a workspace of mono: its own folder is the prefix (no .npmrc there)
    assert.equal(findLocalPrefix(path.join(tmp.dir, 'mono/tools/x')), path.join(tmp.dir, 'mono/tools/x'));
    assert.equal(loadNpmConfig({ npmrcDir: path.join(tmp.dir, 'mono/tools/x'), env }).registry, 'https://user.example/');
  });

  it('honours NPM_CONFIG_USERCONFIG / NPM_CONFIG_GLOBALCONFIG', () => {
    const { env, project } = setup();
    const user = write('elsewhere/user-npmrc', 'registry=https://other-user.example/\n');
    const global = write('elsewhere/global-npmrc', '@g:registry=https://g.example/\n');
    const conf = loadNpmConfig({ npmrcDir: project, env: { ...env, NPM_CONFIG_USERCONFIG: user, npm_config_globalconfig: global } });
    assert.equal(conf.registry, 'https://other-user.example/');
    assert.equal(conf.scopedRegistries['@g'], 'https://g.example/');
  });

  it('expands ${VAR} in keys and values, keeps scoped auth and ignores unscoped auth with a warning', () => {
    const { env, project } = setup();
    write(
      'proj/.npmrc',
      ['registry=https://${REG_HOST}/', '//${REG_HOST}/:_authToken=${TOKEN}', '_authToken=unscoped-secret', 'always-auth=true'].join('\n'),
    );
    const conf = loadNpmConfig({ npmrcDir: project, env: { ...env, REG_HOST: 'npm.corp.example', TOKEN: 't0k' } });
    assert.equal(conf.registry, 'https://npm.corp.example/');
    assert.equal(conf.authOptions['//npm.corp.example/:_authToken'], 't0k');
    assert.equal(conf.authOptions._authToken, undefined);
    assert.ok(conf.warnings.some((w) => w.includes('unscoped "_authToken"')));
    assert.ok(!conf.warnings.join('\n').includes('unscoped-secret'));
  });

  it('reads proxy, noproxy, cafile and ca', () => {
    const { env, project } = setup();
    const pem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    const cafile = write('certs/ca.pem', pem + pem);
    write(
      'proj/.npmrc',
      [
        `cafile=${cafile}`,
        'proxy=http://proxy.example:3128/',
        'https-proxy=http://secure-proxy.example:3128/',
        'noproxy[]=localhost',
        'noproxy[]=.corp',
      ].join('\n'),
    );
    const conf = loadNpmConfig({ npmrcDir: project, env });
    assert.equal(conf.ca?.length, 2);
    assert.ok(conf.ca?.[0]?.endsWith('-----END CERTIFICATE-----'));
    assert.equal(conf.proxy, 'http://secure-proxy.example:3128/');
    assert.equal(conf.noProxy, 'localhost,.corp');
    write('proj/.npmrc', 'ca="-----BEGIN CERTIFICATE-----\\nBBBB\\n-----END CERTIFICATE-----"\ncafile=/does/not/exist.pem\n');
    const missing = loadNpmConfig({ npmrcDir: project, env });
    assert.equal(missing.ca, undefined);
    assert.ok(missing.warnings.some((w) => w.includes('cannot read cafile')));
    write('proj/.npmrc', 'ca="-----BEGIN CERTIFICATE-----\\nBBBB\\n-----END CERTIFICATE-----"\n');
    assert.deepEqual(loadNpmConfig({ npmrcDir: project, env }).ca, ['-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----']);
  });

  it('rejects a registry that is not http(s), keeping the default', () => {
    const { env, project } = setup();
    write('proj/.npmrc', 'registry=file:///etc/passwd\n@x:registry=javascript:alert(1)\n');
    const conf = loadNpmConfig({ npmrcDir: project, env: { ...env, NPM_CONFIG_USERCONFIG: path.join(tmp.dir, 'none') } });
    assert.equal(conf.registry, 'https://registry.npmjs.org/');
    assert.equal(conf.scopedRegistries['@x'], undefined);
    assert.equal(conf.warnings.filter((w) => w.includes('invalid registry URL')).length, 2);
  });
});
