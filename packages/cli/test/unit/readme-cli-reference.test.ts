/**
 * The README's CLI reference is complete (issue #25 item 7): every command `gatehouse --help` and
 * each group's `--help` list has a line of its own in the reference block, `gatehouse <command> …`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { program } from '../../src/main.js';

const README = fileURLToPath(new URL('../../../../README.md', import.meta.url));

/** The first code block of the README's `## CLI` section. */
function reference(): string {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('\n## CLI\n'));
  const start = section.indexOf('\n```\n') + 5;
  return section.slice(start, section.indexOf('\n```', start));
}

/** Every command path the help lists (`env create`, `serve`), as `--help` shows them. */
function helpCommands(cmd: Command, prefix = ''): string[] {
  return cmd
    .createHelp()
    .visibleCommands(cmd)
    .filter((c) => c.name() !== 'help')
    .flatMap((c) => {
      const path = `${prefix}${c.name()}`;
      return c.commands.length ? helpCommands(c, `${path} `) : [path];
    });
}

describe('README CLI reference', () => {
  it('names every command of --help on a line of its own, including integration set', () => {
    const lines = reference().split('\n');
    const commands = helpCommands(program());
    expect(commands).toContain('integration set');
    expect(commands.length).toBeGreaterThan(40);
    const missing = commands.filter(
      (c) => !lines.some((l) => l === `gatehouse ${c}` || l.startsWith(`gatehouse ${c} `)),
    );
    expect(missing).toEqual([]);
  });
});
