// Serves the inbox web UI at /: one HTML page and its plain ES modules and CSS from ./assets,
// read once at start. No build step and nothing from the network, so it works offline.
import type { FastifyReply } from 'fastify';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SandboxContext } from '../context.js';
import type { RouteTable } from '../routes/table.js';

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

// The page talks only to this origin; media thumbnails are whatever URLs the messages carry.
const CSP =
  "default-src 'self'; img-src * data: blob:; media-src *; style-src 'self'; script-src 'self'; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** The compiled build keeps assets next to this file only if copied; the source tree always has them. */
function assetsDir(): string | undefined {
  const candidates = [
    new URL('./assets/', import.meta.url),
    new URL('../../../src/sandbox/ui/assets/', import.meta.url),
  ];
  for (const url of candidates) {
    const dir = fileURLToPath(url);
    if (existsSync(dir)) return dir;
  }
  return undefined;
}

/**
 * The page is many small modules, and a browser finds a module's imports only once it has that
 * module: without a hint it fetches them in waves, one per import depth. Listing every module up
 * front lets it fetch them all at once; the list is made here, from the files, so it cannot go stale.
 */
function withModulePreload(html: string, files: Map<string, unknown>): string {
  const entry = '<script type="module" src="/ui/app.js"></script>';
  if (!html.includes(entry)) return html;
  const links = [...files.keys()]
    .filter((name) => name.endsWith('.js') && name !== 'app.js')
    .sort()
    .map((name) => `<link rel="modulepreload" href="/ui/${name}" />`);
  return html.replace(entry, [...links, entry].join('\n    '));
}

function loadAssets(): Map<string, { body: Buffer; type: string }> {
  const dir = assetsDir();
  const files = new Map<string, { body: Buffer; type: string }>();
  // a broken install still runs the API; the page says what is missing instead of the sandbox failing
  if (dir === undefined) {
    const page =
      '<!doctype html><title>Inbox unavailable</title><p>The inbox files are missing from this install (dist/sandbox/ui/assets). Run <code>npm run build</code>.</p>';
    files.set('index.html', { body: Buffer.from(page), type: TYPES['html']! });
    return files;
  }
  for (const name of readdirSync(dir)) {
    const type = TYPES[name.slice(name.lastIndexOf('.') + 1)];
    if (type) files.set(name, { body: readFileSync(dir + name), type });
  }
  const page = files.get('index.html');
  if (page)
    files.set('index.html', { ...page, body: Buffer.from(withModulePreload(page.body.toString('utf8'), files)) });
  return files;
}

export function registerUi(routes: RouteTable, _ctx: SandboxContext): void {
  const files = loadAssets();

  const send = (name: string) => {
    return async (_request: unknown, reply: FastifyReply) => {
      const file = files.get(name);
      if (!file) return reply.callNotFound();
      return reply
        .type(file.type)
        .header('cache-control', 'no-cache')
        .header('content-security-policy', CSP)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .send(file.body);
    };
  };

  routes.page('GET', '/', send('index.html'));
  routes.page('GET', '/ui/:name', async (request, reply) => {
    const { name } = request.params as { name: string };
    // only the files read at start: no path ever reaches the file system
    if (name === 'index.html' || !files.has(name)) return reply.callNotFound();
    return send(name)(request, reply);
  });
}
