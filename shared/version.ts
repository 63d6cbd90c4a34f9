import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findAppRoot } from './app-root';

/** The app's version from its package.json, or 0.0.0 when the package.json was not deployed. */
export function appVersion(): string {
  const root = findAppRoot();
  if (root === undefined) return '0.0.0';
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' && pkg.version !== '' ? pkg.version : '0.0.0';
}
