import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

// Where a process spent its CPU, from a V8 profile the benchmark's --cpu-prof wrote: self time by
// package (or app folder) and by function, largest first. Usage: node dist/bench/profile-summary.js <file.cpuprofile> [top]

const profileSchema = z.object({
  nodes: z.array(z.object({ id: z.number(), callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }) })),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

/** node_modules/<package> (scoped too), the app's own top folder, node's internals, or V8's pseudo-frames. */
function groupOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith('node:')) return 'node internals';
  const app = /\/dist\/([^/]+)\//.exec(url);
  return app ? `app: ${app[1]}/` : url;
}

const [file, top = '15'] = process.argv.slice(2) as [string, string?];
const profile = profileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
const byGroup = new Map<string, number>();
const byFunction = new Map<string, number>();
let totalUs = 0;
profile.samples.forEach((id, i) => {
  const frame = nodes.get(id)!;
  const us = profile.timeDeltas[i] ?? 0;
  totalUs += us;
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + us);
  add(byGroup, groupOf(frame.url, frame.functionName));
  add(byFunction, `${frame.functionName || '(anonymous)'} ${frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : ''}`.trim());
});
const busyUs = totalUs - (byGroup.get('(idle)') ?? 0);
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
    console.log(`${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / busyUs).toFixed(1).padStart(5)} %  ${key}`);
  }
};
console.log(`${path.basename(file)}: ${(totalUs / 1e6).toFixed(1)} s sampled, ${(busyUs / 1e6).toFixed(1)} s not idle`);
print('self time by package', byGroup);
print('self time by function', byFunction);
