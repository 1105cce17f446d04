// `npm run bench [-- --quick] [-- --only a,b] [-- --write]`: runs the benchmark sections, prints
// each figure next to its baseline measured in the same run, and with --write records them in
// BENCHMARKS.md together with the command and the machine.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { sections } from './sections.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const write = args.includes('--write');
const onlyArg = args.find((a) => a.startsWith('--only'));
const only = onlyArg
  ? (onlyArg.includes('=') ? onlyArg.split('=')[1]! : args[args.indexOf(onlyArg) + 1]!).split(',')
  : undefined;

const command = `npm run bench -- ${args.filter((a) => a !== '--write').join(' ')}`.trim();
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const out: string[] = [];
let failed = false;
for (const section of sections) {
  if (only && !only.includes(section.name)) continue;
  console.log(`\n## ${section.title}`);
  try {
    const md = await section.run({ quick });
    out.push(`## ${section.title}\n\n${md}\n`);
  } catch (err) {
    failed = true;
    console.error(`section ${section.name} failed:`, err);
    out.push(`## ${section.title}\n\nFailed: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}
const doc = `# Benchmarks\n\nProduced by \`${command}\` on ${machine}, ${new Date().toISOString().slice(0, 10)}.\nEvery figure is compared with a baseline measured in the same run on the same machine; machines here are shared, so read ratios rather than absolute numbers.\n\n${out.join('\n')}`;
if (write) {
  // written as the formatter would leave it, so the tree stays clean for `prettier --check`
  const target = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
  const options = (await resolveConfig(target)) ?? {};
  writeFileSync(target, await format(doc, { ...options, filepath: target }));
  console.log('\nwrote BENCHMARKS.md');
} else {
  console.log(`\n${doc}`);
}
process.exit(failed ? 1 : 0);
