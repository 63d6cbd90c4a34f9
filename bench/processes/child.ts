// The protocol between the benchmark (or a test) and the processes it starts (bench/children.ts is the
// other side): a child prints one line `READY <json>` once serving; answers a line `usage` on stdin
// with `USAGE <json>`; and on SIGTERM cleans up, prints `EXIT <json>` and exits. Usage is the child's
// own, from Node: CPU time (process.cpuUsage: every thread of the process, user and system) and peak
// resident memory (getrusage), so what is measured is that process's work, not the benchmark's.

export interface ProcessUsage {
  /** User + system CPU time of the whole process since it started, in milliseconds. */
  cpuMs: number;
  maxRssKb: number;
}

function usage(): ProcessUsage {
  const { user, system } = process.cpuUsage();
  return { cpuMs: (user + system) / 1000, maxRssKb: process.resourceUsage().maxRSS };
}

export function ready(info: object): void {
  process.stdout.write(`READY ${JSON.stringify(info)}\n`);
}

export function onStop(cleanup: () => Promise<void>): void {
  // The parent holds our stdin open; when it ends (even by a crash), so do we.
  let pending = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (text: string) => {
    pending += text;
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
      if (pending.slice(0, end).trim() === 'usage') process.stdout.write(`USAGE ${JSON.stringify(usage())}\n`);
      pending = pending.slice(end + 1);
    }
  });
  process.stdin.on('end', () => process.exit(1));
  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    void cleanup()
      .catch((error: unknown) => console.error(error))
      .finally(() => {
        process.stdout.write(`EXIT ${JSON.stringify(usage())}\n`);
        process.exit(0);
      });
  });
}
