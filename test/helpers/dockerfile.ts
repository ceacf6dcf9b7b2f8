/**
 * Plays a Dockerfile without a container daemon: each stage becomes a folder; `COPY` copies exactly what
 * the build context gives (honouring `.dockerignore`) or what an earlier stage's folder holds; `RUN`
 * runs in the stage's folder with the stage's `ENV`. What it cannot play (a base image's own files, the
 * user switch) is left to the host: the test is about what the recipe copies, installs, builds and runs.
 */
import { exec } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const execAsync = promisify(exec);

export interface Stage {
  readonly name: string;
  readonly instructions: readonly { readonly op: string; readonly args: string }[];
}

export interface Recipe {
  readonly stages: readonly Stage[];
  /** The last stage's `ENV`, `CMD` (exec form), `HEALTHCHECK CMD` (exec form), `USER`, `STOPSIGNAL`. */
  readonly env: Record<string, string>;
  readonly cmd: readonly string[];
  readonly healthcheck: readonly string[] | undefined;
  readonly user: string | undefined;
  readonly stopSignal: string | undefined;
  /** The base images, per stage. */
  readonly bases: readonly string[];
}

/** Parses the instructions (continuation lines joined, comments dropped), `ARG` defaults substituted. */
export function parseDockerfile(text: string): Recipe {
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: { name: string; instructions: { op: string; args: string }[] }[] = [];
  const bases: string[] = [];
  for (const line of logical) {
    const [, op = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const expanded = rest.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? '');
    if (op.toUpperCase() === 'ARG' && stages.length === 0) {
      const [name, value = ''] = expanded.split('=');
      args[name!] = value;
      continue;
    }
    if (op.toUpperCase() === 'FROM') {
      const [, image = '', name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(expanded) ?? [];
      bases.push(image);
      stages.push({ name: name ?? String(stages.length), instructions: [] });
      continue;
    }
    stages.at(-1)!.instructions.push({ op: op.toUpperCase(), args: expanded });
  }
  const last = stages.at(-1)!;
  const env: Record<string, string> = {};
  let cmd: string[] = [];
  let healthcheck: string[] | undefined;
  let user: string | undefined;
  let stopSignal: string | undefined;
  for (const { op, args: a } of last.instructions) {
    if (op === 'ENV') for (const [, k, v] of a.matchAll(/(\w+)=(\S+)/g)) env[k!] = v!;
    if (op === 'CMD') cmd = JSON.parse(a);
    if (op === 'HEALTHCHECK') healthcheck = JSON.parse(a.slice(a.indexOf('CMD') + 3).trim());
    if (op === 'USER') user = a;
    if (op === 'STOPSIGNAL') stopSignal = a;
  }
  return { stages, env, cmd, healthcheck, user, stopSignal, bases };
}

/** A `.dockerignore` as a predicate over context-relative paths (`*`, `**`, `?`, `!` exceptions). */
export function dockerIgnore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+|\/+$/g, '');
      const source = pattern
        .split('/')
        .map((part) =>
          part === '**'
            ? '(?:.*)'
            : part
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]'),
        )
        .join('/')
        .replace(/\(\?:\.\*\)\//g, '(?:.*/)?');
      return { negate, regex: new RegExp(`^${source}(?:/.*)?$`) };
    });
  return (path) => {
    let ignored = false;
    for (const rule of rules) if (rule.regex.test(path)) ignored = !rule.negate;
    return ignored;
  };
}

/** Copies `from` (a context-relative file or folder, or `.`) into `to`, leaving out what is ignored. */
function copyFromContext(
  context: string,
  from: string,
  to: string,
  ignored: (path: string) => boolean,
): void {
  const walk = (rel: string, dest: string): void => {
    const source = join(context, rel);
    if (rel !== '.' && rel !== '' && ignored(rel)) return;
    if (statSync(source).isDirectory()) {
      mkdirSync(dest, { recursive: true });
      for (const entry of readdirSync(source))
        walk(rel === '.' ? entry : `${rel}/${entry}`, join(dest, entry));
    } else {
      mkdirSync(dirname(dest), { recursive: true });
      cpSync(source, dest);
    }
  };
  walk(from.replace(/^\.\/|\/$/g, '') || '.', to);
}

/** Where each stage ran, and the output of its `RUN`s. */
export interface PlayedRecipe {
  readonly dirs: Readonly<Record<string, string>>;
  /** Every file the runtime stage copied from the build context or an earlier stage, relative to it. */
  readonly copied: readonly string[];
}

/**
 * Plays every stage into `workdir/<stage>`: `WORKDIR` is the stage folder, `COPY` as described, `RUN`
 * through `sh -c` with the stage's `ENV` over `env` (npm's cache is the host's, so installs stay bounded).
 */
export async function playRecipe(
  recipe: Recipe,
  context: string,
  workdir: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<PlayedRecipe> {
  const ignored = existsSync(join(context, '.dockerignore'))
    ? dockerIgnore(readFileSync(join(context, '.dockerignore'), 'utf8'))
    : () => false;
  const dirs: Record<string, string> = {};
  const copied: string[] = [];
  for (const stage of recipe.stages) {
    const dir = join(workdir, stage.name);
    mkdirSync(dir, { recursive: true });
    dirs[stage.name] = dir;
    const stageEnv: NodeJS.ProcessEnv = { ...env };
    for (const { op, args } of stage.instructions) {
      if (op === 'ENV') for (const [, k, v] of args.matchAll(/(\w+)=(\S+)/g)) stageEnv[k!] = v!;
      if (op === 'COPY') {
        const from = /--from=(\S+)/.exec(args)?.[1];
        const paths = args.replace(/--\S+/g, '').trim().split(/\s+/);
        const dest = join(dir, paths.pop()!);
        for (const path of paths) {
          const target = paths.length > 1 || dest.endsWith('/') ? join(dest, path.split('/').pop()!) : dest;
          if (from) cpSync(join(dirs[from]!, path.replace(/^\/app\/?/, '')), target, { recursive: true });
          else copyFromContext(context, path, path === '.' ? dest : target, ignored);
        }
      }
      if (op === 'RUN') {
        // Asynchronous: a synchronous install would block the test worker for minutes, and vitest's
        // worker RPC times out ("Timeout calling onTaskUpdate") although every test passes.
        await execAsync(args, {
          cwd: dir,
          env: stageEnv,
          timeout: timeoutMs,
          shell: '/bin/sh',
          maxBuffer: 64 * 1024 * 1024,
        });
      }
    }
  }
  const runtime = dirs[recipe.stages.at(-1)!.name]!;
  const list = (rel: string): void => {
    for (const entry of readdirSync(join(runtime, rel))) {
      const path = rel ? `${rel}/${entry}` : entry;
      if (path === 'node_modules') continue;
      if (statSync(join(runtime, path)).isDirectory()) list(path);
      else copied.push(path);
    }
  };
  list('');
  return { dirs, copied: copied.sort() };
}
