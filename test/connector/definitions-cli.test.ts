import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { paconnValidator } from './paconn-schema.js';

const ROOT = new URL('../..', import.meta.url).pathname;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DEFINITION_')));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'definition', ...args], {
      cwd: ROOT,
      env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('twilio-connector definition', () => {
  const dir = mkdtempSync(join(tmpdir(), 'definition-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the Power Platform files and openapi.json for the given host', async () => {
    const out = join(dir, 'connector');
    const r = await cli(['--out', out, '--host', 'twilio.example.com', '--no-triggers']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /apiDefinition\.swagger\.json/);
    const swagger = JSON.parse(readFileSync(join(out, 'apiDefinition.swagger.json'), 'utf8'));
    assert.equal(swagger.host, 'twilio.example.com');
    assert.deepEqual(swagger.schemes, ['https']);
    assert.equal(swagger.paths['/Messages.json'].post.operationId, 'SendMessage');
    const props = JSON.parse(readFileSync(join(out, 'apiProperties.json'), 'utf8'));
    assert.equal(props.properties.connectionParameters.username.uiDefinition.displayName, 'Account SID');
    assert.equal(props.properties.connectionParameters.password.uiDefinition.displayName, 'Auth Token');
    assert.equal(props.properties.connectionParameters.password.type, 'securestring');
    assert.deepEqual(props.properties.capabilities, ['actions']);
    const oas = JSON.parse(readFileSync(join(out, 'openapi.json'), 'utf8'));
    assert.deepEqual(oas.servers, [{ url: 'https://twilio.example.com' }]);
  });

  it('includes the triggers by default and honours --scheme and --base-path', async () => {
    const out = join(dir, 'with-triggers');
    const r = await cli(['--out', out, '--host', 'localhost:4300', '--scheme', 'http', '--base-path', '/twilio']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /cannot reach/);
    const swagger = JSON.parse(readFileSync(join(out, 'apiDefinition.swagger.json'), 'utf8'));
    assert.equal(swagger.basePath, '/twilio');
    assert.deepEqual(swagger.schemes, ['http']);
    assert.equal(swagger.paths['/subscriptions/messages/received'].post['x-ms-trigger'], 'single');
    assert.equal(swagger.paths['/triggers/messages/received'].get['x-ms-trigger'], 'batch');
    const props = JSON.parse(readFileSync(join(out, 'apiProperties.json'), 'utf8'));
    assert.deepEqual(props.properties.capabilities, ['actions', 'triggers']);
  });

  it('writes an apiDefinition.swagger.json that Power Platform’s schema accepts, with and without triggers', async () => {
    const validate = paconnValidator();
    for (const [name, extra] of [
      ['valid-default', []],
      ['valid-actions', ['--no-triggers']],
    ] as const) {
      const out = join(dir, name);
      const r = await cli(['--out', out, '--host', 'twilio.example.com', ...extra]);
      assert.equal(r.code, 0, r.stderr);
      const swagger: unknown = JSON.parse(readFileSync(join(out, 'apiDefinition.swagger.json'), 'utf8'));
      assert.ok(validate(swagger), `${name}: ${JSON.stringify(validate.errorsOf()?.slice(0, 5), null, 2)}`);
    }
  });

  it('explains bad input on one line with a non-zero exit', async () => {
    const missing = await cli([]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--out DIR is required/);
    const bad = await cli(['--out', join(dir, 'bad'), '--host', 'https://x.com/', '--scheme', 'ftp']);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
    assert.match(bad.stderr, /--host must be a host name.*--scheme must be one of http, https/);
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const unwritable = await cli(['--out', join(file, 'sub')]);
    assert.equal(unwritable.code, 2);
    assert.match(unwritable.stderr, /cannot write to --out .*ENOTDIR/);
  });

  it('prints help', async () => {
    const r = await cli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: twilio-connector definition --out DIR/);
    assert.match(r.stdout, /--host HOST/);
  });
});
