// Reads the shell commands out of the README's and docs' fenced `sh` blocks, one entry per command as
// a user would paste it, so a test can run them against a real server.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DocCommand {
  /** repository-relative file and the line the command starts on */
  where: string;
  /** the command as written, comments removed, continuation lines kept */
  text: string;
}

/** Whitespace collapsed and continuations joined: the form allow-lists compare. */
export function normalize(command: string): string {
  return command.replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Splits a block of shell into commands. Quotes may span lines (a JSON body over several lines), a
 * line ending in `\` continues, and `#` outside quotes at the start of a word begins a comment.
 */
export function splitCommands(block: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let current = '';
  let startLine = 0;
  let quote: '' | "'" | '"' = '';
  let line = 0;
  for (let i = 0; i < block.length; i++) {
    const c = block[i]!;
    if (c === '\n') line++;
    if (quote) {
      current += c;
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"') current += block[++i] ?? '';
      continue;
    }
    if (c === "'" || c === '"') {
      if (current.trim() === '') startLine = line;
      quote = c;
      current += c;
    } else if (c === '\\' && block[i + 1] === '\n') {
      current += '\\\n';
      i++;
      line++;
    } else if (c === '#' && (current === '' || /\s$/.test(current))) {
      while (i + 1 < block.length && block[i + 1] !== '\n') i++;
    } else if (c === '\n') {
      if (current.trim()) out.push({ line: startLine, text: current.trim() });
      current = '';
    } else {
      if (current.trim() === '' && !/\s/.test(c)) startLine = line;
      current += c;
    }
  }
  if (quote) throw new Error(`unbalanced ${quote} in a shell block`);
  if (current.trim()) out.push({ line: startLine, text: current.trim() });
  return out;
}

/** Every command of every `sh` block in README.md and docs/*.md, in reading order. */
export function docCommands(root: string): DocCommand[] {
  const files = [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => `docs/${f}`),
  ];
  const commands: DocCommand[] = [];
  for (const file of files) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^```(?:sh|bash|shell)\s*$/.test(lines[i]!)) continue;
      const start = i + 1;
      let end = start;
      while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
      for (const c of splitCommands(lines.slice(start, end).join('\n'))) {
        commands.push({ where: `${file}:${start + 1 + c.line}`, text: c.text });
      }
      i = end;
    }
  }
  return commands;
}
