#!/usr/bin/env node
/**
 * Restores lockfile entries for platform-specific optional packages that the registry these machines use
 * does not serve (e.g. rollup's android/darwin/win32 binaries). npm leaves them out of package-lock.json
 * when it cannot fetch their manifests, and `npm ci` then refuses the lockfile ("Missing: … from lock
 * file"). An entry with the package's os/cpu/libc marks it inert on this platform, as npm writes it where
 * the registry does serve it, so `npm ci` skips it without fetching anything.
 *
 *   node scripts/lock-platforms.mjs          (after `npm install` changes package-lock.json)
 */
import { readFileSync, writeFileSync } from 'node:fs';

const OS = [
  'android',
  'darwin',
  'freebsd',
  'linux',
  'openbsd',
  'openharmony',
  'win32',
  'sunos',
  'aix',
  'netbsd',
];
const CPU = {
  arm: 'arm',
  arm64: 'arm64',
  x64: 'x64',
  ia32: 'ia32',
  loong64: 'loong64',
  ppc64: 'ppc64',
  riscv64: 'riscv64',
  s390x: 's390x',
};

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const osIndex = parts.findIndex((p) => OS.includes(p));
  if (osIndex < 0) return undefined;
  const cpu = CPU[parts[osIndex + 1]];
  if (!cpu) return undefined;
  const rest = parts.slice(osIndex + 2).join('-');
  const libc = parts[osIndex] === 'linux' ? (rest.includes('musl') ? 'musl' : 'glibc') : undefined;
  return { os: [parts[osIndex]], cpu: [cpu], ...(libc ? { libc: [libc] } : {}) };
}

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = key === '' ? 'node_modules' : `${key}/node_modules`;
    if (lock.packages[`${base}/${dep}`] || lock.packages[`node_modules/${dep}`]) continue;
    const platform = platformOf(dep);
    if (!platform || !/^\d+\.\d+\.\d+/.test(version)) continue;
    lock.packages[`node_modules/${dep}`] = {
      version,
      ...platform,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`lock-platforms: added ${added} inert platform entries`);
