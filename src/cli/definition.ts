// `twilio-connector definition`: writes the Power Platform custom-connector files
// (apiDefinition.swagger.json, apiProperties.json) and openapi.json for a connector reachable at
// --host, ready for "Import an OpenAPI file" or `paconn create`.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildApiProperties } from '../connector/definitions/properties.js';
import { buildOpenApi } from '../connector/definitions/openapi.js';
import { buildSwagger } from '../connector/definitions/swagger.js';
import type { DefinitionTarget } from '../connector/definitions/info.js';
import { helpText, optional, option, parsers, resolveConfig } from '../shared/config.js';
import { ConfigError } from '../shared/errors.js';

export const definitionSpec = {
  out: optional({
    flag: 'out',
    env: 'DEFINITION_OUT',
    description: 'Directory to write the files to (created if missing); required',
    parse: parsers.nonEmpty,
    metavar: 'DIR',
  }),
  host: option({
    flag: 'host',
    env: 'DEFINITION_HOST',
    description: 'Host[:port] Power Platform / Logic Apps call the connector at, e.g. twilio.example.com',
    parse: parsers.pattern(/^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/, 'a host name with an optional :port (no scheme or path)'),
    default: '127.0.0.1:4300',
    metavar: 'HOST',
  }),
  scheme: optional({
    flag: 'scheme',
    env: 'DEFINITION_SCHEME',
    description: 'http or https',
    defaultText: 'https, or http for localhost',
    parse: parsers.oneOf(['http', 'https'] as const),
    metavar: 'SCHEME',
  }),
  basePath: option({
    flag: 'base-path',
    env: 'DEFINITION_BASE_PATH',
    description: 'Path prefix of the connector behind a reverse proxy',
    parse: parsers.pattern(/^\/[A-Za-z0-9._~/-]*$/, 'a path starting with /'),
    default: '/',
    metavar: 'PATH',
  }),
  triggers: option({
    flag: 'triggers',
    env: 'DEFINITION_TRIGGERS',
    description: 'Include the trigger operations (--no-triggers for actions only)',
    parse: parsers.bool,
    default: true,
    switch: true,
  }),
};

export const DEFINITION_FILES = ['apiDefinition.swagger.json', 'apiProperties.json', 'openapi.json'] as const;

const isLoopback = (host: string): boolean => /^(localhost|127\.[0-9.]+)(:[0-9]+)?$/i.test(host);

/** Writes the three files; returns their paths. */
export async function writeDefinitionFiles(
  dir: string,
  target: DefinitionTarget,
  opts: { triggers: boolean },
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const contents: Record<(typeof DEFINITION_FILES)[number], unknown> = {
    'apiDefinition.swagger.json': buildSwagger(target, opts),
    'apiProperties.json': buildApiProperties(opts),
    'openapi.json': buildOpenApi(target, opts),
  };
  const written: string[] = [];
  for (const name of DEFINITION_FILES) {
    const path = join(dir, name);
    await writeFile(path, `${JSON.stringify(contents[name], null, 2)}\n`);
    written.push(path);
  }
  return written;
}

export async function runDefinition(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { config, help, rest } = resolveConfig(definitionSpec, { argv, env });
  if (help) {
    process.stdout.write(
      helpText(
        'twilio-connector definition --out DIR [--host HOST] [--scheme https]',
        'Writes apiDefinition.swagger.json and apiProperties.json (a Power Platform custom connector) and openapi.json.',
        definitionSpec,
      ),
    );
    return 0;
  }
  const problems: string[] = [];
  if (rest.length > 0) problems.push(`unexpected argument "${rest[0] ?? ''}"`);
  if (config.out === undefined) problems.push('--out DIR is required (the directory to write the files to)');
  if (problems.length > 0) throw new ConfigError(problems);
  const dir = resolve(config.out!);
  const scheme = config.scheme ?? (isLoopback(config.host) ? 'http' : 'https');
  try {
    const written = await writeDefinitionFiles(
      dir,
      { host: config.host, basePath: config.basePath, scheme },
      {
        triggers: config.triggers,
      },
    );
    for (const path of written) process.stdout.write(`wrote ${path}\n`);
  } catch (err) {
    const reason = err instanceof Error && 'code' in err ? String(err.code) : 'write failed';
    throw new ConfigError([`cannot write to --out ${dir}: ${reason}`]);
  }
  if (isLoopback(config.host)) {
    process.stderr.write(
      `note: the definition points at ${scheme}://${config.host}; Power Platform cannot reach that. Pass --host with the connector's public host name.\n`,
    );
  }
  return 0;
}
