import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const appPackageName = 'insights-to-glint';

/**
 * The folder holding the app's package.json, searched upward from here so that it is the same
 * folder whether this runs from `shared/` (ts-jest) or from `dist/shared/` (compiled).
 */
export function findAppRoot(): string | undefined {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === appPackageName) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function appRoot(): string {
  const root = findAppRoot();
  if (root === undefined) throw new Error(`No package.json named ${appPackageName} in ${__dirname} or above it`);
  return root;
}
