import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import type { BenchResult, Figure } from '../types.ts';

/** How one benchmark ended: measured (PASS or MISS against its target) or crashed. */
export interface Outcome {
  name: string;
  description: string;
  target: string;
  status: 'PASS' | 'MISS' | 'CRASH';
  /** Why it missed, or the crash's message. */
  notes: string[];
  seconds: number;
  result?: BenchResult;
}

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

const figureText = (f: Figure | undefined) => (f ? `${number.format(f.value)} ${f.unit}` : '-');
const secondaryText = (f: Figure) =>
  (f.secondary ?? [])
    .map((s) => `${s.name} ${number.format(s.value)}${s.unit === '%' ? '' : ' '}${s.unit}`)
    .join(', ');

/** The table printed at the end of a run, with each benchmark's secondary figures and notes after it. */
export function formatTable(outcomes: Outcome[]): string {
  const rows = [
    ['benchmark', 'measured', 'baseline', 'ratio', 'target', 'result'],
    ...outcomes.map((o) => [
      o.name,
      figureText(o.result?.measured),
      figureText(o.result?.baseline),
      o.result ? `${(o.result.ratio * 100).toFixed(1)}%` : '-',
      o.target,
      o.status,
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const out = [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  for (const o of outcomes) {
    if (o.result) {
      out.push('', `${o.name} (${o.seconds.toFixed(0)} s):`);
      for (const f of [o.result.measured, o.result.baseline])
        out.push(`  ${f.label}: ${figureText(f)}; ${secondaryText(f)}`);
    }
    for (const note of o.notes) out.push(`  ${o.status === 'CRASH' ? 'crashed' : 'missed'}: ${note}`);
  }
  return out.join('\n');
}

/** bench/results/latest.json: the whole run, for comparing runs and for CI to keep. */
export async function writeResults(outcomes: Outcome[], startedAt: Date): Promise<string> {
  const dir = new URL('../results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const file = new URL('latest.json', dir);
  const machine = {
    node: process.version,
    platform: process.platform,
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
  };
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine,
    outcomes,
  };
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file.pathname;
}
