import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot } from '../support/local-stack';

// The portal must stay light (issue 14): at most 350 kB of gzipped JavaScript on first load. The
// first load is the entry chunk and every chunk it imports statically, as Vite's manifest records
// them; screens loaded on navigation (dynamic imports) are not part of it.

const dist = path.join(repoRoot, 'portal', 'dist');
const budgetBytes = 350 * 1024;

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

it('first load is within 350 kB of gzipped JavaScript', () => {
  const manifestFile = path.join(dist, '.vite', 'manifest.json');
  if (!existsSync(manifestFile)) throw new Error('portal/dist is missing: run npm run build (npm test does)');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, ManifestChunk>;
  const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry);
  expect(entry).toBe('index.html');
  const firstLoad = new Set<string>();
  const visit = (key: string) => {
    if (firstLoad.has(key)) return;
    firstLoad.add(key);
    manifest[key]!.imports?.forEach(visit);
  };
  visit(entry!);
  const files = [...firstLoad].map((key) => manifest[key]!.file).filter((file) => file.endsWith('.js'));
  const gzipped = files.reduce((sum, file) => sum + gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length, 0);
  console.log(`portal first load: ${files.length} JavaScript file(s), ${(gzipped / 1024).toFixed(1)} kB gzipped (budget ${budgetBytes / 1024} kB)`);
  expect(gzipped).toBeLessThanOrEqual(budgetBytes);
  // Screens are split off: the first load must not already carry them.
  expect(Object.values(manifest).filter((chunk) => chunk.dynamicImports?.length).length).toBeGreaterThan(0);
});
