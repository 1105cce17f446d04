// The inbox page is plain ES modules fetched one by one: every file the page or a module imports
// must be served from /ui/ with the page's headers, and every module on disk must be reachable from
// the page (a module left out of the graph is dead code nobody runs).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type TestSandbox } from '../helpers/sandbox.js';

const ASSETS = new URL('../../src/sandbox/ui/assets/', import.meta.url);

/** Static imports and re-exports of one module: `import … from './x.js'`, `import './x.js'`, `export … from`. */
function importsOf(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/^\s*(?:import|export)\s(?:[^'"]*?\sfrom\s)?\s*['"]([^'"]+)['"]/gm))
    found.push(m[1]!);
  return found;
}

describe('inbox page files', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startSandbox();
  });
  after(() => sb.close());

  async function fetchAsset(path: string): Promise<{ body: string; headers: Headers }> {
    const res = await fetch(sb.url + path);
    const body = await res.text();
    assert.equal(res.status, 200, `${path} is not served`);
    assert.equal(res.headers.get('cache-control'), 'no-cache', path);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/, path);
    return { body, headers: res.headers };
  }

  it('serves every module the page imports, with the page headers, and leaves none out', async () => {
    const page = await fetchAsset('/');
    const entries = [...page.body.matchAll(/<script type="module" src="([^"]+)"/g)].map((m) => m[1]!);
    assert.deepEqual(entries, ['/ui/app.js']);
    const seen = new Set<string>();
    const queue = [...entries];
    while (queue.length > 0) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const { body, headers } = await fetchAsset(path);
      assert.equal(headers.get('content-type'), 'text/javascript; charset=utf-8', path);
      for (const spec of importsOf(body)) {
        const target = new URL(spec, sb.url + path);
        assert.equal(target.origin, sb.url, `${path} imports ${spec} from elsewhere`);
        assert.match(target.pathname, /^\/ui\/[a-z0-9-]+\.js$/, `${path} imports ${spec}`);
        queue.push(target.pathname);
      }
    }
    assert.ok(seen.size > 5, `the crawl found only ${[...seen].join(', ')}`);
    const onDisk = readdirSync(ASSETS)
      .filter((name) => name.endsWith('.js'))
      .map((name) => `/ui/${name}`);
    assert.deepEqual([...seen].sort(), onDisk.sort(), 'modules on disk and modules the page loads differ');
    // every import is announced up front, so the browser fetches them together rather than level by level
    const preloaded = [...page.body.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1]!);
    assert.deepEqual(
      preloaded.sort(),
      [...seen].filter((path) => path !== '/ui/app.js').sort(),
      'the page preloads exactly the modules it imports',
    );
  });

  it('serves the stylesheet and icon the page links', async () => {
    const page = await fetchAsset('/');
    const links = [...page.body.matchAll(/<link rel="(?!modulepreload)[^"]*" [^>]*href="([^"]+)"/g)].map((m) => m[1]!);
    assert.deepEqual(links.sort(), ['/ui/icon.svg', '/ui/style.css']);
    assert.equal((await fetchAsset('/ui/style.css')).headers.get('content-type'), 'text/css; charset=utf-8');
    assert.equal((await fetchAsset('/ui/icon.svg')).headers.get('content-type'), 'image/svg+xml');
  });
});
