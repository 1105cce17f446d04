// Starts a sandbox on 127.0.0.1:0 for one test file and hands out an official twilio SDK client
// pointed at it. The caller closes it (`after(() => sb.close())`).
import assert from 'node:assert/strict';
import twilio from 'twilio';
import { buildSandbox, type Sandbox } from '../../src/sandbox/app.js';
import { sandboxConfig, type SandboxConfig } from '../../src/sandbox/config.js';

delete process.env['TWILIO_EDGE'];
delete process.env['TWILIO_REGION'];

export interface TestSandbox {
  sandbox: Sandbox;
  url: string;
  accountSid: string;
  authToken: string;
  phoneNumber: string;
  client: twilio.Twilio;
  /** fetch against the sandbox with the account's Basic auth */
  request(
    method: string,
    path: string,
    init?: {
      form?: Record<string, string | string[]>;
      headers?: Record<string, string>;
      body?: string;
      auth?: string | null;
    },
  ): Promise<Response>;
  close(): Promise<void>;
}

export function sdkClient(url: string, user: string, pass: string, accountSid?: string): twilio.Twilio {
  const client = twilio(user, pass, accountSid ? { accountSid } : {});
  client.api.baseUrl = url;
  client.messaging.baseUrl = url;
  client.content.baseUrl = url;
  client.events.baseUrl = url;
  return client;
}

export function basic(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

export function formBody(form: Record<string, string | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
}

export async function startSandbox(
  overrides: Partial<{ -readonly [K in keyof SandboxConfig]: SandboxConfig[K] }> = {},
): Promise<TestSandbox> {
  const sandbox = buildSandbox(sandboxConfig(overrides));
  const url = await sandbox.listen();
  const { sid: accountSid, auth_token: authToken } = sandbox.account;
  return {
    sandbox,
    url,
    accountSid,
    authToken,
    phoneNumber: sandbox.phoneNumber,
    client: sdkClient(url, accountSid, authToken),
    async request(method, path, init = {}) {
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      if (init.auth !== null) headers['authorization'] = init.auth ?? basic(accountSid, authToken);
      let body = init.body;
      if (init.form) {
        body = formBody(init.form);
        headers['content-type'] = 'application/x-www-form-urlencoded';
      }
      return fetch(url + path, { method, headers, ...(body === undefined ? {} : { body }) });
    },
    close: () => sandbox.close(),
  };
}

/**
 * What a tool adds to a form or body-less /_sandbox request so that no web page could have sent it
 * (JSON bodies need nothing more).
 */
export const CONTROL: Readonly<Record<string, string>> = Object.freeze({ 'x-sandbox-request': '1' });

/** Parsed JSON body, typed loosely for assertions. */
export async function json(res: Response): Promise<any> {
  return res.json();
}

/** PATCH /_sandbox/settings, asserting it was taken. */
export async function patchSettings(sb: TestSandbox, patch: unknown): Promise<void> {
  const res = await fetch(`${sb.url}/_sandbox/settings`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(patch),
  });
  assert.equal(res.status, 200, JSON.stringify(await json(res)));
}
