// What every published definition says about the connector itself: title, version, where it is
// served, and the Power Platform metadata. One place, so Swagger, OpenAPI and apiProperties agree.
import { createRequire } from 'node:module';

export interface DefinitionTarget {
  /** `host[:port]` the workflow engine calls */
  host: string;
  /** path prefix of the connector, `/` when mounted at the root */
  basePath: string;
  scheme: 'http' | 'https';
}

export const DEFAULT_TARGET: Readonly<DefinitionTarget> = Object.freeze({
  host: '127.0.0.1:4300',
  basePath: '/',
  scheme: 'http',
});

const require = createRequire(import.meta.url);
const pkg = require('../../../package.json') as { version?: unknown };

export const CONNECTOR_VERSION = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
export const CONNECTOR_TITLE = 'Twilio';
// Power Platform's certification rules: a title of at most 30 characters and a description of 30 to
// 500, neither naming "API", "Connector" (title) or a Power Platform product
export const CONNECTOR_DESCRIPTION =
  'Send and receive SMS, MMS and WhatsApp messages through Twilio, look up and buy phone numbers, and read usage. ' +
  'Flows can start when a message arrives or changes status. Self-hosted, with the same actions as the managed Twilio connection.';
export const BRAND_COLOR = '#F22F46';

/** Shown by Power Platform on the connector's page (x-ms-connector-metadata). */
export const CONNECTOR_METADATA: readonly { propertyName: string; propertyValue: string }[] = [
  { propertyName: 'Website', propertyValue: 'https://www.twilio.com/docs/messaging' },
  { propertyName: 'Privacy policy', propertyValue: 'https://www.twilio.com/legal/privacy' },
  { propertyName: 'Categories', propertyValue: 'Communication' },
];

export const TAG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  Messages: 'Send, fetch and list SMS / MMS / WhatsApp messages.',
  'Phone numbers': 'The phone numbers the account owns.',
  'Available numbers': 'Numbers that can be bought.',
  Usage: 'What the account used and spent.',
  Triggers: 'Start a workflow when a message arrives or changes status.',
};

/**
 * Where the connector is reached, from an absolute URL such as `--public-url`
 * (`https://connector.example.com/twilio` → host `connector.example.com`, basePath `/twilio`).
 */
export function targetFromUrl(url: string): DefinitionTarget {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`not an http(s) URL: ${url}`);
  const basePath = u.pathname.replace(/\/+$/, '') || '/';
  return { host: u.host, basePath, scheme: u.protocol === 'https:' ? 'https' : 'http' };
}

export function baseUrl(t: DefinitionTarget): string {
  return `${t.scheme}://${t.host}${t.basePath === '/' ? '' : t.basePath}`;
}
