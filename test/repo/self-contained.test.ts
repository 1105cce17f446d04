// A fresh clone must pass its own tests: the tests, benchmarks and scripts may read only what the
// repository and its declared dependencies provide. Third-party data they need lives in test/fixtures/
// with its LICENSE and SOURCE. This test reads every such file for paths that leave the repository.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CODE = /\.(?:ts|mts|cts|js|mjs|cjs|sh)$|^\.ci\//;
// this file spells out the paths it looks for, as samples for the check itself
const SELF = 'test/repo/self-contained.test.ts';

/** Tracked files (and new ones not yet committed) of the folders whose code runs at test or bench time. */
function filesToCheck(): string[] {
  const out = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '--', 'test', 'bench', 'scripts', '.ci'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return out
    .split('\n')
    .filter((f) => f && CODE.test(f) && !f.startsWith('test/fixtures/') && f !== SELF && existsSync(join(ROOT, f)));
}

interface Finding {
  line: number;
  text: string;
  why: string;
}

/** Places in one file's source that name a path outside `root`; `file` is the file's absolute path. */
export function outsidePaths(source: string, file: string, root: string): Finding[] {
  const found: Finding[] = [];
  const inside = (p: string): boolean => p === root.replace(/[/\\]$/, '') || p.startsWith(root.replace(/[/\\]?$/, sep));
  source.split('\n').forEach((text, i) => {
    const line = i + 1;
    // a relative path literal ('../x', '..') resolves against the file's folder (imports, new URL(…, import.meta.url))
    for (const m of text.matchAll(/(['"`])(\.\.(?:\/[^'"`$]*)?)\1/g)) {
      if (!inside(resolve(dirname(file), m[2]!))) found.push({ line, text, why: `${m[2]} leaves the repository` });
    }
    // a '..' segment handed to join/resolve climbs from whatever root the file computed: the root constants
    // already name the repository, so climbing from them leaves it
    if (/\b(?:join|resolve)\([^)]*(['"`])\.\.\1/.test(text)) {
      found.push({ line, text, why: "a '..' segment in join()/resolve() climbs out of the repository root" });
    }
    // absolute locations of a particular machine, and the folder that sits beside the checkout on ours
    const absolute = /(['"`])(?:\/(?:work|home|root|Users|mnt|srv)\/|[A-Za-z]:\\\\)/.exec(text);
    if (absolute) found.push({ line, text, why: 'an absolute path of one machine' });
    if (/shared\/(?:twilio-oai|reference|reference-connectors|seeds)\b/.test(text)) {
      found.push({ line, text, why: 'the folder beside the checkout is not part of the repository' });
    }
  });
  return found;
}

test('no test, benchmark or script names a path outside the repository', () => {
  const files = filesToCheck();
  assert.ok(files.length > 50, `expected the test, bench and script files, found ${files.length}`);
  const problems: string[] = [];
  for (const f of files) {
    const abs = join(ROOT, f);
    for (const p of outsidePaths(readFileSync(abs, 'utf8'), abs, ROOT)) {
      problems.push(`${f}:${p.line}: ${p.why}\n    ${p.text.trim()}`);
    }
  }
  assert.deepEqual(problems, [], `files reach outside the repository:\n${problems.join('\n')}`);
});

test('the check catches the ways a file can reach beside the checkout', () => {
  const file = join(ROOT, 'test', 'connector', 'example.ts');
  const bad = [
    // written in parts so that a plain text search for such paths does not find this test itself
    `new URL('${['..', '..', '..', 'shared'].join('/')}/reference-connectors/schema.jsonc', import.meta.url)`,
    "const SPEC = join(ROOT, '..', 'shared', 'twilio-oai', 'twilio_api_v2010.json');",
    "resolve(REPOSITORY, '..', 'other')",
    "readFileSync('/work/shared/DESIGN.md')",
    "import x from '../../../outside.js';",
  ];
  for (const text of bad) assert.equal(outsidePaths(text, file, ROOT).length > 0, true, `missed: ${text}`);
  const good = [
    "import { x } from '../../src/shared/errors.js';",
    "new URL('../fixtures/twilio-oai/twilio_api_v2010.json', import.meta.url)",
    "const root = new URL('../..', import.meta.url).pathname;",
    "for (const country of ['US', '..']) {}",
    "const chromium = '/usr/bin/chromium';",
  ];
  for (const text of good) assert.deepEqual(outsidePaths(text, file, ROOT), [], `flagged: ${text}`);
});

test('every fixture folder says where its files come from and under which license', () => {
  const fixtures = join(ROOT, 'test', 'fixtures');
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', 'test/fixtures'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const folders = new Set(
    out
      .split('\n')
      .filter(Boolean)
      .map((f) => dirname(f)),
  );
  assert.ok(folders.size > 0, 'test/fixtures holds the third-party data the tests read');
  for (const folder of folders) {
    const dir = join(ROOT, folder);
    assert.ok(existsSync(join(dir, 'LICENSE')), `${relative(fixtures, dir)} has a LICENSE`);
    const source = readFileSync(join(dir, 'SOURCE.md'), 'utf8');
    assert.match(source, /https:\/\/github\.com\/\S+/, `${folder}/SOURCE.md names the repository`);
    assert.match(source, /\b[0-9a-f]{40}\b/, `${folder}/SOURCE.md names the commit`);
  }
});
