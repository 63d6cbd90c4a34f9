import type { RpcLogLevel } from './core-types';

export interface HostLogger {
  log(level: RpcLogLevel, message: string): void;
}

const rank: Record<RpcLogLevel, number> = { trace: 0, debug: 1, information: 2, warning: 3, error: 4, critical: 5, none: 6 };

/** Writes to stdout/stderr at or above `minLevel`, one line per entry, with a timestamp. */
export function consoleLogger(minLevel: RpcLogLevel = 'information'): HostLogger {
  return {
    log(level, message) {
      if (rank[level] < rank[minLevel]) return;
      const line = `[${new Date().toISOString()}] ${message}\n`;
      (rank[level] >= rank.warning ? process.stderr : process.stdout).write(line);
    },
  };
}

export interface LogEntry {
  level: RpcLogLevel;
  message: string;
}

/** Keeps every entry in memory; tests read them to check what the host logged (and what it did not). */
export function memoryLogger(): HostLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return { entries, log: (level, message) => entries.push({ level, message }) };
}
