// Re-measuring one benchmark section must not discard the others' recorded figures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replaceSections } from '../../bench/lib/sections-doc.js';

const DOC = `# Benchmarks

Produced by \`npm run bench --\` on a machine.

## Sandbox

old sandbox figures

## Triggers

old trigger figures
| a | b |
`;

describe('replacing sections of BENCHMARKS.md', () => {
  it('replaces the named section and keeps the opening lines and every other section', () => {
    const out = replaceSections(DOC, [{ title: 'Triggers', body: 'new trigger figures\n' }]);
    assert.equal(
      out,
      '# Benchmarks\n\nProduced by `npm run bench --` on a machine.\n\n## Sandbox\n\nold sandbox figures\n\n## Triggers\n\nnew trigger figures\n',
    );
  });

  it('appends a section the document does not have yet', () => {
    const out = replaceSections(DOC, [{ title: 'Templates', body: 'template figures' }]);
    assert.ok(out.includes('## Sandbox\n\nold sandbox figures'));
    assert.ok(out.includes('old trigger figures\n| a | b |'));
    assert.ok(out.endsWith('## Templates\n\ntemplate figures\n'));
  });

  it('leaves a document without sections as its head plus the new section', () => {
    assert.equal(replaceSections('# Benchmarks\n', [{ title: 'UI', body: 'x' }]), '# Benchmarks\n\n## UI\n\nx\n');
  });
});
