import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ERROR_CATALOG } from '../../src/connector/errors.js';
import { CONFIG_DOC, configurationMarkdown } from '../../scripts/gen-config-docs.js';

describe('connector docs stay in step with the code', () => {
  it('docs/errors.md lists exactly the catalog’s codes with their statuses', () => {
    const text = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const rows = new Map<string, number>();
    for (const m of text.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)) rows.set(m[1]!, Number(m[2]));
    const catalog = new Map(Object.entries(ERROR_CATALOG).map(([code, e]) => [code, e.status as number]));
    assert.deepEqual([...rows.entries()].sort(), [...catalog.entries()].sort());
  });

  it('every error code the README and the connector docs show is in the catalog', () => {
    for (const doc of ['../../README.md', '../../docs/connector.md', '../../docs/connector-import.md']) {
      const text = readFileSync(new URL(doc, import.meta.url), 'utf8');
      const codes = [...text.matchAll(/"code":\s*"([A-Z_]+)"/g)].map((m) => m[1]!);
      for (const code of codes) assert.ok(code in ERROR_CATALOG, `${doc} shows "${code}", which is not in the catalog`);
    }
  });

  it('docs/configuration.md is what `npm run docs:config` generates', () => {
    assert.equal(
      readFileSync(CONFIG_DOC, 'utf8'),
      configurationMarkdown(),
      'docs/configuration.md is stale: run npm run docs:config',
    );
  });
});
