/** Types of scripts/patch-dependencies.mjs (plain JavaScript: it runs before TypeScript is installed). */
export interface Mend {
  readonly name: string;
  /** The files it changes, from the project root. */
  readonly files: readonly string[];
  /** The file's text mended, or undefined when it does not hold what the mend replaces. */
  apply(text: string): string | undefined;
  isApplied(text: string): boolean;
}
export interface PatchLine {
  readonly level: 'info' | 'warn';
  readonly text: string;
}
/** The text mend 1 replaces in @apollo/server's makeGatewayGraphQLRequestContext. */
export const GATEWAY_HTTP_LITERAL: string;
export const MENDS: readonly Mend[];
/** Applies every mend under `projectRoot` (default: this project); one line per file. */
export function patchDependencies(projectRoot?: string): PatchLine[];
