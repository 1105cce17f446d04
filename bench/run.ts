// `npm run bench [-- --quick] [-- --only a,b] [-- --write]`: runs the benchmark sections, prints
// each figure next to its baseline measured in the same run, and with --write records them in
// BENCHMARKS.md together with the command and the machine. With --only, --write replaces just
// those sections, so one part can be re-measured without discarding the others' figures.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { sections } from './sections.js';
import { replaceSections } from './lib/sections-doc.js';

const USAGE = `Usage: npm run bench -- [--quick] [--only <section>[,<section>…]] [--write]

  --quick    fewer and shorter rounds: a smoke run, not figures to record
  --only     run only these sections (comma-separated): ${sections.map((s) => s.name).join(', ')}
  --write    record the results in BENCHMARKS.md (with --only, only those sections are replaced)
  --help     this text

Every section measures its baseline in the same run; load goes to 127.0.0.1 only.`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const known = new Set(['--quick', '--write', '--only']);
const quick = args.includes('--quick');
const write = args.includes('--write');
const onlyArg = args.find((a) => a.startsWith('--only'));
const onlyValue = onlyArg
  ? onlyArg.includes('=')
    ? onlyArg.split('=')[1]
    : args[args.indexOf(onlyArg) + 1]
  : undefined;
const only = onlyValue?.split(',').filter((s) => s !== '');
const stray = args.filter((a) => !known.has(a.split('=')[0]!) && a !== onlyValue);
const unknownSections = only?.filter((name) => !sections.some((s) => s.name === name)) ?? [];
if (stray.length > 0 || (onlyArg && (only === undefined || only.length === 0)) || unknownSections.length > 0) {
  if (stray.length > 0) console.error(`unknown option: ${stray.join(' ')}`);
  if (onlyArg && (only === undefined || only.length === 0)) console.error('--only needs section names');
  if (unknownSections.length > 0) console.error(`unknown section: ${unknownSections.join(', ')}`);
  console.error(`\n${USAGE}`);
  process.exit(2);
}

const command = `npm run bench -- ${args.filter((a) => a !== '--write').join(' ')}`.trim();
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const day = new Date().toISOString().slice(0, 10);
const out: { title: string; body: string }[] = [];
let failed = false;
for (const section of sections) {
  if (only && !only.includes(section.name)) continue;
  console.log(`\n## ${section.title}`);
  try {
    out.push({ title: section.title, body: await section.run({ quick }) });
  } catch (err) {
    failed = true;
    console.error(`section ${section.name} failed:`, err);
    out.push({ title: section.title, body: `Failed: ${err instanceof Error ? err.message : String(err)}` });
  }
}
const whole = `# Benchmarks\n\nProduced by \`${command}\` on ${machine}, ${day}.\nEvery figure is compared with a baseline measured in the same run on the same machine; machines here are shared, so read ratios rather than absolute numbers.\n\n${out.map((s) => `## ${s.title}\n\n${s.body}\n`).join('\n')}`;
if (write) {
  // written as the formatter would leave it, so the tree stays clean for `prettier --check`
  const target = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
  const doc =
    only && existsSync(target)
      ? replaceSections(
          readFileSync(target, 'utf8'),
          out.map((s) => ({
            title: s.title,
            body: `Re-measured on its own: \`${command}\` on ${machine}, ${day}.\n\n${s.body}`,
          })),
        )
      : whole;
  const options = (await resolveConfig(target)) ?? {};
  writeFileSync(target, await format(doc, { ...options, filepath: target }));
  console.log('\nwrote BENCHMARKS.md');
} else {
  console.log(`\n${whole}`);
}
process.exit(failed ? 1 : 0);
