// BENCHMARKS.md is one `## ` section per benchmark. Re-measuring one part replaces that section's
// text and keeps every other section (and the file's opening lines) as they were; a section the
// file does not have yet goes at the end.

export interface SectionText {
  /** the heading's text, without `## ` */
  title: string;
  /** the Markdown under the heading */
  body: string;
}

/** The document with each given section's body replaced (or appended), everything else unchanged. */
export function replaceSections(doc: string, replacements: readonly SectionText[]): string {
  const lines = doc.split('\n');
  const starts = lines.flatMap((line, i) => (line.startsWith('## ') ? [i] : []));
  const head = lines.slice(0, starts[0] ?? lines.length).join('\n');
  const parts = starts.map((start, k) => ({
    title: lines[start]!.slice(3).trim(),
    text: lines.slice(start, starts[k + 1] ?? lines.length).join('\n'),
  }));
  for (const r of replacements) {
    const text = `## ${r.title}\n\n${r.body.trim()}\n`;
    const found = parts.find((p) => p.title === r.title);
    if (found) found.text = text;
    else parts.push({ title: r.title, text });
  }
  return [head.trimEnd(), ...parts.map((p) => p.text.trimEnd())].join('\n\n') + '\n';
}
