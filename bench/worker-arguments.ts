/**
 * The Node worker's arguments on a small instance, as infra/resources.bicep sets them for 512 MB
 * (`languageWorkers__node__arguments`). Node sizes its heap from the machine (24 GiB here) and collects
 * lazily; it also lets the young generation grow to two 16 MB semi-spaces, which the pull fills while
 * it parses a page of 10,000 rows: 8 MB semi-spaces took 20 MB off the pull's peak at 100,000
 * employees for about 1 s more CPU (2 MB ones took no more off, for 6 s more).
 */
export const pullWorkerArguments = (heapMb: number) => `--max-old-space-size=${heapMb} --max-semi-space-size=8`;
