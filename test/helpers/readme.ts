/**
 * The README as tests read it: the rows of a table under a heading, and the examples marked
 * `<!-- runnable-example -->` (the fenced block right after the marker).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The body rows of the first table after `heading`, as cells (trimmed, without the outer pipes). */
export function readmeTable(heading: string): string[][] {
  const start = README.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no heading ${heading}`);
  const lines = README.slice(start).split('\n').slice(2);
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

export interface RunnableExample {
  readonly language: string;
  readonly code: string;
  /** 1-based line of the fence in the README. */
  readonly line: number;
}

export function runnableExamples(): RunnableExample[] {
  const examples: RunnableExample[] = [];
  const marker = /<!-- runnable-example -->\n\n```(\w+)\n([\s\S]*?)\n```/g;
  for (const m of README.matchAll(marker)) {
    examples.push({
      language: m[1]!,
      code: m[2]!,
      line: README.slice(0, m.index + m[0].indexOf('```')).split('\n').length,
    });
  }
  return examples;
}

/** The AWS CLI on this machine, if any, and whether it knows Supply Chain (botocore >= 1.38.14). */
export function awsCli(): { readonly available: boolean; readonly why: string } {
  try {
    execFileSync('aws', ['supplychain', 'help'], { stdio: 'ignore', env: { ...process.env, PAGER: 'cat' } });
    return { available: true, why: '' };
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT'
      ? { available: false, why: 'the AWS CLI (aws) is not installed here; .ci/run installs it' }
      : { available: false, why: 'the AWS CLI here has no supplychain command (needs botocore >= 1.38.14)' };
  }
}
