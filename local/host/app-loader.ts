import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import path from 'node:path';

// Loading a function app's entry points the way the Node worker does: package.json `main` names them
// (a glob), each is required once, in a stable order, and registers its functions while it loads.

/** Requires every entry point of the app, telling `onEntryPoint` which one is loading; returns the main glob used. */
export function loadEntryPoints(appDir: string, main: string | undefined, isolateModules: ((load: () => void) => void) | undefined, onEntryPoint: (file: string | undefined) => void): string {
  const glob = main ?? readPackageMain(appDir);
  const files = expandGlob(appDir, glob);
  if (files.length === 0) throw new Error(`No entry point matches "${glob}" in ${appDir} (did the build run?)`);
  const isolate = isolateModules ?? withFreshRequireCache(appDir);
  isolate(() => {
    for (const file of files) {
      onEntryPoint(file);
      try {
        // The worker loads CommonJS entry points with require, in this order; so does this host.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(file);
      } catch (error) {
        throw new Error(`Worker failed to load entry point ${path.relative(appDir, file)}: ${(error as Error).message}`, { cause: error });
      }
    }
  });
  onEntryPoint(undefined);
  return glob;
}

function readPackageMain(appDir: string): string {
  const file = path.join(appDir, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { main?: unknown };
  if (typeof pkg.main !== 'string' || pkg.main === '') throw new Error(`${file} has no "main": it must name the entry points (a glob)`);
  return pkg.main;
}

/** Expands a `main` glob (`*`, `?`, `**`) relative to `root`, sorted for a stable load order. */
export function expandGlob(root: string, pattern: string): string[] {
  if (path.isAbsolute(pattern)) return expandGlob(path.parse(pattern).root, path.relative(path.parse(pattern).root, pattern));
  const parts = pattern.replace(/^\.\//, '').split('/');
  const toRegex = (p: string) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  const results: string[] = [];
  const walk = (dir: string, index: number): void => {
    const part = parts[index];
    if (part === undefined) return;
    const last = index === parts.length - 1;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (!/[*?]/.test(part)) {
      const full = path.join(dir, part);
      if (last) {
        if (entries.some((e) => e.name === part && e.isFile())) results.push(full);
      } else walk(full, index + 1);
      return;
    }
    if (part === '**') {
      walk(dir, index + 1);
      for (const e of entries) if (e.isDirectory() && e.name !== 'node_modules') walk(path.join(dir, e.name), index);
      return;
    }
    const regex = toRegex(part);
    for (const e of entries) {
      if (!regex.test(e.name)) continue;
      const full = path.join(dir, e.name);
      if (last && e.isFile()) results.push(full);
      else if (!last && e.isDirectory()) walk(full, index + 1);
    }
  };
  walk(root, 0);
  return [...new Set(results)].sort();
}

/** Drops the app's own modules from Node's cache first, so a host started again in this process registers again. */
function withFreshRequireCache(appDir: string): (load: () => void) => void {
  return (load) => {
    for (const key of Object.keys(require.cache)) {
      if (key.startsWith(appDir) && !key.startsWith(__dirname) && !key.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[key];
    }
    load();
  };
}
