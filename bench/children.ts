import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ProcessUsage } from './processes/child';

// Starting the benchmark's processes (Azurite, Functions hosts, the transform) and talking to them
// over the protocol of processes/child.ts. The multi-host test starts its hosts with the same code,
// so what it kills and restarts is exactly what the benchmark measures.

export type { ProcessUsage };

/** The repository root: the first folder up from here with a package.json (from bench/ under ts-jest, from dist/bench/ when compiled). */
export const appDir = (() => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
})();

/** A compiled process script; `npm run build` (part of `npm test` and `npm run bench`) makes them. */
export const script = (name: string) => path.join(appDir, 'dist', 'bench', 'processes', `${name}.js`);

export interface Child {
  readonly pid: number;
  readonly info: Record<string, string>;
  /** The child's CPU time and peak RSS so far, as it measures them itself. */
  usage(): Promise<ProcessUsage>;
  /** SIGTERM: the child cleans up and reports its usage at exit. */
  stop(): Promise<ProcessUsage>;
  /** SIGKILL, as a crashed instance: no clean-up, nothing reported. Resolves once it is gone. */
  kill(): Promise<void>;
}

let cpuProfileDir: string | undefined;

/** From now on, every child started writes a V8 CPU profile into `dir` when it exits (CPU.<date>.<pid>.….cpuprofile). */
export function profileChildrenInto(dir: string): void {
  cpuProfileDir = dir;
}

export interface ChildOptions {
  /** Where the child's other output goes, line by line; default this process's stderr. */
  log?: (line: string) => void;
}

export function startChild(name: string, env: Record<string, string>, options: ChildOptions = {}): Promise<Child> {
  const log = options.log ?? ((line: string) => process.stderr.write(`  [${name}] ${line}\n`));
  // stdin stays open as a lifeline: a child exits when its parent does, however that ends.
  const profile = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
  const child = spawn(process.execPath, [...profile, script(name)], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  createInterface({ input: child.stderr }).on('line', log);
  const lines = createInterface({ input: child.stdout });
  const usageWaiters: ((usage: ProcessUsage) => void)[] = [];
  let onExitLine: ((usage: ProcessUsage) => void) | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    void exited.then((code) => reject(new Error(`${name} exited (${code}) before it was ready`)));
    lines.on('line', (line) => {
      if (line.startsWith('READY ')) {
        resolve({
          pid: child.pid!,
          info: JSON.parse(line.slice(6)) as Record<string, string>,
          usage: () =>
            new Promise<ProcessUsage>((done, fail) => {
              usageWaiters.push(done);
              child.stdin.write('usage\n', (error) => error && fail(error));
            }),
          stop: () =>
            new Promise<ProcessUsage>((done) => {
              onExitLine = done;
              child.kill('SIGTERM');
            }),
          kill: async () => {
            child.kill('SIGKILL');
            await exited;
          },
        });
      } else if (line.startsWith('USAGE ')) {
        usageWaiters.shift()?.(JSON.parse(line.slice(6)) as ProcessUsage);
      } else if (line.startsWith('EXIT ')) {
        onExitLine?.(JSON.parse(line.slice(5)) as ProcessUsage);
      } else {
        log(line);
      }
    });
  });
}

/** Runs a process to its end and parses the JSON of its last line of output. */
export function runJson<T>(command: string, args: string[], env: Record<string, string> = {}): T {
  const result = spawnSync(command, args, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as T;
}
