import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../src/sandbox/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** A folder of src/sandbox, or a file at its top (app.ts, sids.ts…), each a node of the graph. */
function nodeOf(file: string): string {
  const rel = relative(ROOT, file);
  return rel.includes(sep) ? rel.slice(0, rel.indexOf(sep)) : rel;
}

const IMPORT = /^(?:import|export)\s+(type\s+)?([^;]*?)\s+from\s+'(\.{1,2}\/[^']+)';/gms;

/** The modules `source` needs when it runs: type-only imports vanish from the compiled code. */
export function runtimeImports(source: string): string[] {
  const out: string[] = [];
  for (const [, typeOnly, names, target] of source.matchAll(IMPORT)) {
    if (typeOnly) continue;
    const list = names!.trim();
    if (list.startsWith('{')) {
      const items = list
        .slice(1, -1)
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n !== '');
      if (items.length > 0 && items.every((n) => n.startsWith('type '))) continue;
    }
    out.push(target!);
  }
  return out;
}

/** Node → the nodes it imports at runtime, with one import that shows each edge. */
function graph(): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const file of sources(ROOT)) {
    const from = nodeOf(file);
    for (const target of runtimeImports(readFileSync(file, 'utf8'))) {
      const resolved = normalize(join(dirname(file), target.replace(/\.js$/, '.ts')));
      if (!resolved.startsWith(ROOT)) continue;
      const to = nodeOf(resolved);
      if (to === from) continue;
      let out = edges.get(from);
      if (!out) edges.set(from, (out = new Map()));
      if (!out.has(to)) out.set(to, `${relative(ROOT, file)} → ${target}`);
    }
  }
  return edges;
}

/** Strongly connected groups of more than one node (Tarjan). */
function cycles(edges: Map<string, Map<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1) found.push(group.sort());
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('src/sandbox layering', () => {
  it('has no folders that import each other in a circle (runtime imports)', () => {
    const edges = graph();
    const found = cycles(edges);
    const explain = found.map((group) =>
      group
        .flatMap((a) => group.filter((b) => edges.get(a)?.has(b)).map((b) => `  ${a} → ${b}: ${edges.get(a)!.get(b)}`))
        .join('\n'),
    );
    assert.deepEqual(found, [], `import cycles:\n${explain.join('\n\n')}`);
  });

  it('reads runtime imports and leaves type-only ones out', () => {
    const source = [
      "import type { A } from './a.js';",
      "import { type B, type C } from '../b.js';",
      "import { d, type E } from './d.js';",
      "export { f } from './f.js';",
      "import g from 'node:fs';",
    ].join('\n');
    assert.deepEqual(runtimeImports(source), ['./d.js', './f.js']);
  });
});
