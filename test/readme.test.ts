import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../src/config.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it.each(SETTINGS.map((s) => [s.name, s] as const))(
    'documents the setting %s with its default',
    (name, setting) => {
      const row = readme.split('\n').find((line) => new RegExp(`^\\|\\s*\`${name}\`\\s*\\|`).test(line));
      expect(row, `README settings table has no row for ${name}`).toBeDefined();
      const shownDefault = setting.defaultHelp ?? setting.default;
      if (shownDefault) expect(row!.replaceAll('`', '')).toContain(shownDefault);
    },
  );

  it('shows the two commands a newcomer needs', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
