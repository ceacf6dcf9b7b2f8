/**
 * Extracts the subset of the official AWS Smithy models that Loadgraph speaks (the operations below and
 * every shape they reach) into `src/emulator/model/<service>.json`. Documentation traits are dropped;
 * everything else is kept byte-for-byte in Smithy JSON AST form, so the emulator validates and
 * serializes exactly as the model says.
 *
 *   npx tsx scripts/extract-models.ts [--check]
 *
 * Reads `../shared/aws-models/` (override with LOADGRAPH_MODELS_DIR). With `--check`, exits 1 when a
 * committed file differs from what would be written; without the models there, the check is skipped and
 * says so (the committed files are all the gateway and its tests need).
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const modelsDir = process.env['LOADGRAPH_MODELS_DIR'] ?? resolve(root, '../shared/aws-models');

export const SERVICES = {
  supplychain: {
    file: 'supplychain.json',
    service: 'com.amazonaws.supplychain#GalaxyPublicAPIGateway',
    operations: [
      'SendDataIntegrationEvent',
      'GetDataIntegrationEvent',
      'ListDataIntegrationEvents',
      'GetDataIntegrationFlow',
      'ListDataIntegrationFlows',
      'GetDataIntegrationFlowExecution',
      'ListDataIntegrationFlowExecutions',
      'GetDataLakeDataset',
      'ListDataLakeDatasets',
      'GetDataLakeNamespace',
      'ListDataLakeNamespaces',
      'GetInstance',
      'ListInstances',
    ],
  },
  datazone: {
    file: 'datazone.json',
    service: 'com.amazonaws.datazone#DataZone',
    operations: [
      'GetDataSourceRun',
      'ListDataSourceRuns',
      'ListDataSourceRunActivities',
      'GetDataSource',
      'ListDataSources',
      'StartDataSourceRun',
      'GetDomain',
      'ListDomains',
      'ListProjects',
    ],
  },
} as const;

type Json = Record<string, any>;

const DROP_TRAITS = new Set([
  'smithy.api#documentation',
  'smithy.api#examples',
  'smithy.rules#endpointTests',
]);

function stripTraits(traits: Json | undefined): Json | undefined {
  if (!traits) return undefined;
  const kept = Object.fromEntries(Object.entries(traits).filter(([k]) => !DROP_TRAITS.has(k)));
  return Object.keys(kept).length ? kept : undefined;
}

function clean(shape: Json): Json {
  const out: Json = { ...shape };
  const traits = stripTraits(shape['traits']);
  if (traits) out['traits'] = traits;
  else delete out['traits'];
  if (shape['members']) {
    out['members'] = Object.fromEntries(
      Object.entries(shape['members'] as Json).map(([name, m]) => {
        const mt = stripTraits((m as Json)['traits']);
        return [name, mt ? { target: (m as Json)['target'], traits: mt } : { target: (m as Json)['target'] }];
      }),
    );
  }
  for (const k of ['member', 'key', 'value']) {
    if (shape[k]) {
      const mt = stripTraits(shape[k]['traits']);
      out[k] = mt ? { target: shape[k]['target'], traits: mt } : { target: shape[k]['target'] };
    }
  }
  return out;
}

const SERVICE_FILES = Object.values(SERVICES).map((spec) => spec.file);

export function extract(name: keyof typeof SERVICES): Json {
  const spec = SERVICES[name];
  const model = JSON.parse(readFileSync(join(modelsDir, spec.file), 'utf8')) as Json;
  const shapes = model['shapes'] as Json;
  const ns = spec.service.split('#')[0]!;
  const keep: Json = {};
  const visit = (id: string): void => {
    if (keep[id] || id.startsWith('smithy.api#')) return;
    const shape = shapes[id];
    if (!shape) throw new Error(`shape ${id} not found in ${spec.file}`);
    keep[id] = clean(shape);
    for (const ref of [
      shape.input,
      shape.output,
      shape.member,
      shape.key,
      shape.value,
      ...(shape.errors ?? []),
    ]) {
      if (ref?.target) visit(ref.target);
    }
    for (const m of Object.values((shape.members ?? {}) as Json)) visit((m as Json)['target']);
  };
  const svc = shapes[spec.service];
  for (const e of svc.errors ?? []) visit(e.target);
  for (const op of spec.operations) visit(`${ns}#${op}`);
  const service = clean({ ...svc, operations: undefined, resources: undefined });
  delete service['operations'];
  delete service['resources'];
  const sorted = Object.fromEntries(
    Object.keys(keep)
      .sort()
      .map((k) => [k, keep[k]]),
  );
  return {
    smithy: model['smithy'],
    metadata: { source: `../shared/aws-models/${spec.file}`, operations: spec.operations },
    shapes: { [spec.service]: service, ...sorted },
  };
}

function main(): void {
  const check = process.argv.includes('--check');
  if (!SERVICE_FILES.every((file) => existsSync(join(modelsDir, file)))) {
    // The committed extracts are self-sufficient: only re-extracting (or checking them) needs the models.
    const where = `the official AWS models (${SERVICE_FILES.join(', ')}) are not in ${modelsDir}`;
    if (check) {
      console.log(
        `model extraction check skipped: ${where}. The committed src/emulator/model/*.json are used as they are; set LOADGRAPH_MODELS_DIR to check them.`,
      );
      return;
    }
    console.error(
      `cannot extract the models: ${where}. Set LOADGRAPH_MODELS_DIR to the folder that holds them.`,
    );
    process.exit(1);
  }
  let stale = false;
  for (const name of Object.keys(SERVICES) as (keyof typeof SERVICES)[]) {
    const target = join(root, 'src/emulator/model', `${name}.json`);
    const text = JSON.stringify(extract(name), null, 1) + '\n';
    if (check) {
      if (!existsSync(target) || readFileSync(target, 'utf8') !== text) {
        console.error(`${target} is stale: run npm run codegen`);
        stale = true;
      }
    } else {
      writeFileSync(target, text);
      console.log(`wrote ${target} (${text.length} bytes)`);
    }
  }
  if (stale) process.exit(1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
