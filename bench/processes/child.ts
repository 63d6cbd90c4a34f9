// The protocol between the benchmark and the processes it starts: a child prints one line
// `READY <json>` once serving, and on SIGTERM cleans up, prints `EXIT <json>` with its peak resident
// memory, and exits. Peak RSS comes from the child itself (getrusage), so it is its own, not the
// benchmark's.

export function ready(info: object): void {
  process.stdout.write(`READY ${JSON.stringify(info)}\n`);
}

export function onStop(cleanup: () => Promise<void>): void {
  // The benchmark holds our stdin open; when it ends (even by a crash), so do we.
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(1));
  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    void cleanup()
      .catch((error: unknown) => console.error(error))
      .finally(() => {
        process.stdout.write(`EXIT ${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`);
        process.exit(0);
      });
  });
}
