import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Parses a .NET TimeSpan as host.json writes it: `[d.]hh:mm:ss[.fffffff]`. */
export function parseTimeSpan(text: string): number {
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a TimeSpan (expected hh:mm:ss)`);
  const [, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = '0'] = match;
  const ms = Number(`0.${fraction}`) * 1000;
  return ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 + Number(seconds) * 1000 + ms;
}

const timeSpan = z.string().transform((text, ctx) => {
  try {
    return parseTimeSpan(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

// Defaults are the Storage Queues extension's (v5); batchSize is capped at 32 as there.
const queuesSchema = z
  .object({
    batchSize: z.number().int().min(1).max(32).default(16),
    newBatchThreshold: z.number().int().min(0).optional(),
    maxPollingInterval: timeSpan.default(60_000),
    visibilityTimeout: timeSpan.default(0),
    maxDequeueCount: z.number().int().min(1).default(5),
    messageEncoding: z.enum(['base64', 'none']).default('base64'),
  })
  .transform((q) => ({ ...q, newBatchThreshold: q.newBatchThreshold ?? Math.floor(q.batchSize / 2) }));

const hostJsonSchema = z.object({
  version: z.literal('2.0'),
  functionTimeout: timeSpan.optional(),
  extensions: z
    .object({
      http: z.object({ routePrefix: z.string().default('api') }).default({ routePrefix: 'api' }),
      queues: queuesSchema.default(queuesSchema.parse({})),
    })
    .default({ http: { routePrefix: 'api' }, queues: queuesSchema.parse({}) }),
});

export type HostJson = z.infer<typeof hostJsonSchema>;
export type QueuesOptions = HostJson['extensions']['queues'];

const overridePrefix = 'AzureFunctionsJobHost__';

/**
 * host.json, with the overrides the real host reads from app settings: `AzureFunctionsJobHost__`
 * followed by the path, `__` between levels (e.g. AzureFunctionsJobHost__extensions__queues__batchSize).
 * As in .NET configuration, path segments match case-insensitively.
 */
export function readHostJson(appDir: string, settings: Record<string, string | undefined> = {}): HostJson {
  const file = path.join(appDir, 'host.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  for (const [name, value] of Object.entries(settings)) {
    if (value === undefined || !name.toLowerCase().startsWith(overridePrefix.toLowerCase())) continue;
    applyOverride(raw as Record<string, unknown>, name.slice(overridePrefix.length).split('__'), value);
  }
  const parsed = hostJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`Invalid ${file}: ${issues}`);
  }
  return parsed.data;
}

function applyOverride(target: Record<string, unknown>, segments: string[], value: string): void {
  let node = target;
  segments.forEach((segment, i) => {
    const key = Object.keys(node).find((k) => k.toLowerCase() === segment.toLowerCase()) ?? segment;
    if (i === segments.length - 1) {
      // Settings are strings; host.json numbers and booleans are read from their text, as .NET binds them.
      node[key] = /^-?\d+$/.test(value) ? Number(value) : /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : value;
      return;
    }
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  });
}
