/**
 * The form of a setting's one declaration, and the types derived from it. A setting is one entry of a
 * settings list (`SETTINGS` in config.ts, `AUTH_SETTINGS` in config.auth.ts):
 *
 *   { name: 'LOADS_MAX_IDS', default: '100', schema: wholeNumber(1, 1_000), help: 'most ids loads(ids:) takes' },
 *
 * The list is declared `as const satisfies readonly Setting[]`, so the value a setting is read as
 * ({@link SettingValue}) is inferred from its schema and default: no second declaration of its type.
 * `--help` prints `help` and the default; a test checks each name and default against README's table.
 */
import type { z } from 'zod';

/** One setting: an environment variable, its default, its schema and its `--help` line. */
export interface Setting {
  /** The environment variable. */
  readonly name: string;
  /** Raw text, parsed like a set value; '' for none (the setting then reads as undefined when unset). */
  readonly default: string;
  /** Shown by `--help` when the default depends on other settings. */
  readonly defaultHelp?: string;
  /** Parses the raw text (trimmed, non-empty) into the value; its message says what is allowed. */
  readonly schema: z.ZodType;
  /** The `--help` line: what it means, with its unit. */
  readonly help: string;
  /** A secret: a bad value is never echoed in the error. */
  readonly sensitive?: boolean;
}

/** The names of a settings list. */
export type SettingName<S extends readonly Setting[]> = S[number]['name'];

/**
 * The value setting `N` of list `S` reads as: its schema's output, or also undefined when it has no
 * default (`default: ''`).
 */
export type SettingValue<S extends readonly Setting[], N extends SettingName<S>> =
  Extract<S[number], { readonly name: N }> extends infer E
    ? E extends { readonly schema: infer Z extends z.ZodType; readonly default: infer D }
      ? z.output<Z> | (D extends '' ? undefined : never)
      : never
    : never;

/** Reads one setting of `S`, typed by its declaration (a bad value is recorded as a problem). */
export type SettingReader<S extends readonly Setting[]> = <N extends SettingName<S>>(
  name: N,
) => SettingValue<S, N>;
