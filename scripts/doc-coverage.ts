/**
 * Lists the exported declarations of `src/` without a doc comment, and the coverage per file.
 * `npx tsx scripts/doc-coverage.ts [files...]` (default: every file of src/ but the generated ones).
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { listSources } from './deps.js';

/** Exported declarations of `file`: `[name, documented]`. */
export function exportedDocs(file: string): Array<[name: string, documented: boolean]> {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: Array<[string, boolean]> = [];
  const documented = (node: ts.Node) => ts.getJSDocCommentsAndTags(node).length > 0;
  for (const statement of source.statements) {
    const exported = ts.canHaveModifiers(statement)
      ? ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
      : false;
    if (!exported) continue;
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations)
        out.push([d.name.getText(source), documented(statement) || documented(d)]);
    } else if (
      ts.isFunctionDeclaration(statement) ||
      ts.isClassDeclaration(statement) ||
      ts.isInterfaceDeclaration(statement) ||
      ts.isTypeAliasDeclaration(statement) ||
      ts.isEnumDeclaration(statement)
    ) {
      out.push([statement.name?.getText(source) ?? 'default', documented(statement)]);
    }
  }
  return out;
}

if (process.argv[1]?.endsWith('doc-coverage.ts')) {
  const args = process.argv.slice(2);
  const files = args.length
    ? args
    : listSources(new URL('../src', import.meta.url).pathname).filter((f) => !f.includes('/generated/'));
  let total = 0;
  let done = 0;
  for (const file of files) {
    for (const [name, ok] of exportedDocs(file)) {
      total++;
      if (ok) done++;
      else process.stdout.write(`undocumented: ${file.replace(/^.*?src\//, 'src/')} ${name}\n`);
    }
  }
  process.stdout.write(
    `${done}/${total} exported declarations documented (${((100 * done) / total).toFixed(1)}%)\n`,
  );
}
