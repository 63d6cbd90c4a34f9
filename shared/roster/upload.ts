import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal';
import { DomainError, invalidLinesError, ruleViolation, type LineError } from '../domain/errors';
import { normalizeIdentifier } from '../domain/identifiers';
import type { RosterEmployee } from '../domain/matching';
import { PagePacker } from '../storage/paged-store';
import { employeesList, newGeneration, rosterPartition, rosterPointer, toStored, type RosterDeps } from '../storage/roster-store';
import { create, put, tenantRows, type StoredRosterPointer } from '../storage/tenant-rows';
import { applyChange } from '../work/change';
import type { WorkDeps } from '../work/deps';
import { newRun, newRunId, runMessage } from '../work/runs';
import { maxRosterEmployees, rosterRow, type RosterRow, type RosterUploaded } from './contract';

// PUT /api/employees: the Glint platform replaces the tenant's roster (issue 15). The body is read as
// it arrives, line by line (NDJSON, or CSV with a header), each line checked and packed into pages
// written under a new generation; memory holds the employee keys (to refuse a key given twice) and a
// few pages, not the body. All or nothing: any invalid line answers 422 with the lines' errors and
// the generation is deleted; otherwise the roster switches to it in one write (storage/roster-store.ts), a
// re-match of the imported cycles is queued (pipeline/rematch.ts), and older generations are deleted.

const maxLineBytes = 64 * 1024;
const pagesPerWrite = 40;
const csvColumns = ['employeeKey', 'email', 'status', 'entraObjectId', 'upn', 'otherEmails'] as const;

export async function uploadRoster(deps: RosterDeps & WorkDeps, principal: Principal, body: AsyncIterable<Buffer>): Promise<RosterUploaded> {
  const { tenantId } = principal;
  const generation = newGeneration(deps.now(), randomUUID().slice(0, 8));
  const partition = rosterPartition(tenantId, generation);
  let written = 0;
  try {
    const packer = new PagePacker();
    const read = await readRows(body, async (employee) => {
      packer.add(toStored(employee));
      if (packer.pages.length >= pagesPerWrite) written += await write(packer.take());
    });
    async function write(pages: string[]): Promise<number> {
      await deps.rosterPages.writePages(partition, employeesList, written, pages);
      return pages.length;
    }
    written += await write(packer.take(true));
    const uploadedAt = deps.now().toISOString();
    const pointer: StoredRosterPointer = { generation, pages: written, employees: read.employees, active: read.active, uploadedAt };
    const summary = (p: StoredRosterPointer) => ({ employees: p.employees, active: p.active, uploadedAt: p.uploadedAt });
    const result = await applyChange(deps, principal, async () => {
      const current = await rosterPointer(deps, tenantId);
      // Two uploads at once: the one that started last is the roster, whichever commits first.
      if (current && current.value.generation > generation) throw new DomainError('conflict', 'A roster sent after this one has replaced it; nothing of this one was kept.');
      const rematch = newRun({ runId: newRunId('rem'), kind: 'rematch' }, deps.now());
      return {
        writes: [
          put(tenantRows.roster, current, pointer),
          create(tenantRows.run(rematch.runId), rematch),
        ],
        audit: { action: 'roster.put', target: 'employees', before: current ? summary(current.value) : null, after: summary(pointer) },
        messages: [runMessage(tenantId, rematch)],
        result: { employees: read.employees, active: read.active, inactive: read.employees - read.active, uploadedAt, rematchRunId: rematch.runId },
      };
    });
    // Readers of an older generation notice it went and read the new one (roster-store.ts).
    await deps.rosterPages.deletePartitionsBetween(`${tenantId}|`, partition);
    return result;
  } catch (error) {
    if (written > 0) await deps.rosterPages.deletePartition(partition);
    throw error;
  }
}

/** Reads every line, handing on valid employees while no line was invalid; throws the lines' errors at the end. */
async function readRows(body: AsyncIterable<Buffer>, accept: (employee: RosterEmployee) => Promise<void>): Promise<{ employees: number; active: number }> {
  const errors: LineError[] = [];
  let invalidLines = 0;
  const seen = new Map<string, number>();
  let active = 0;
  let format: 'ndjson' | { columns: string[] } | undefined;
  for await (const { line, text } of lines(body)) {
    if (text.trim() === '') continue;
    if (format === undefined) {
      format = text.trimStart().startsWith('{') ? 'ndjson' : { columns: csvHeader(text) };
      if (format !== 'ndjson') continue;
    }
    const lineErrors: LineError[] = [];
    const record = format === 'ndjson' ? jsonRecord(text) : csvRecord(text, format.columns);
    if (typeof record === 'string') lineErrors.push({ line, path: `line ${line}`, message: record });
    else {
      const parsed = rosterRow.safeParse(record);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) lineErrors.push({ line, path: [`line ${line}`, ...issue.path.map(String)].join('.'), message: issue.message });
      } else {
        const employee = toEmployee(parsed.data);
        const first = seen.get(employee.key);
        if (first !== undefined) lineErrors.push({ line, path: `line ${line}.employeeKey`, message: `the same employee key as line ${first}` });
        else if (seen.size >= maxRosterEmployees) throw ruleViolation([{ path: 'body', message: `a roster holds at most ${maxRosterEmployees} employees` }]);
        else {
          seen.set(employee.key, line);
          if (employee.status === 'active') active++;
          // Nothing is written once a line failed: the body is refused whole anyway.
          if (invalidLines === 0) await accept(employee);
        }
      }
    }
    if (lineErrors.length > 0) {
      invalidLines++;
      if (errors.length < 100) errors.push(...lineErrors);
    }
  }
  if (invalidLines > 0) throw invalidLinesError(errors, invalidLines);
  if (seen.size === 0) throw ruleViolation([{ path: 'body', message: 'no employees' }]);
  return { employees: seen.size, active };
}

function toEmployee(row: RosterRow): RosterEmployee {
  const key = normalizeIdentifier(row.employeeKey);
  const email = normalizeIdentifier(row.email);
  const alternates = [row.entraObjectId, row.upn, ...(row.otherEmails ?? [])].flatMap((id) => (id === undefined ? [] : [normalizeIdentifier(id)]));
  return { key, email, status: row.status, alternates: [...new Set(alternates)].filter((id) => id !== key && id !== email) };
}

/** The body's lines, numbered from 1, split on LF (a CR before it dropped); a line is at most `maxLineBytes`. */
async function* lines(body: AsyncIterable<Buffer>): AsyncGenerator<{ line: number; text: string }> {
  let rest = Buffer.alloc(0);
  let line = 0;
  const decode = (bytes: Buffer) => {
    line++;
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    return { line, text: bytes.toString('utf8', line === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0, end) };
  };
  for await (const chunk of body) {
    // An LF byte never occurs inside a multi-byte UTF-8 character, so splitting bytes on it is safe.
    let bytes = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let lf = bytes.indexOf(0x0a); lf >= 0; lf = bytes.indexOf(0x0a, start)) {
      yield decode(bytes.subarray(start, lf));
      start = lf + 1;
    }
    bytes = bytes.subarray(start);
    if (bytes.length > maxLineBytes) throw ruleViolation([{ path: `line ${line + 1}`, message: `longer than ${maxLineBytes} bytes` }]);
    rest = Buffer.from(bytes);
  }
  if (rest.length > 0) yield decode(rest);
}

function jsonRecord(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : 'not a JSON object';
  } catch {
    return 'not a JSON object';
  }
}

function csvHeader(text: string): string[] {
  const fields = csvFields(text);
  if (fields === null) throw ruleViolation([{ path: 'line 1', message: 'the header is not valid CSV' }]);
  const columns = fields.map((f) => csvColumns.find((c) => c.toLowerCase() === f.trim().toLowerCase()) ?? f);
  const unknown = columns.filter((c) => !(csvColumns as readonly string[]).includes(c));
  const missing = ['employeeKey', 'email', 'status'].filter((c) => !columns.includes(c));
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i);
  const problems = [
    ...unknown.map((c) => `unknown column ${JSON.stringify(c.slice(0, 64))} (known: ${csvColumns.join(', ')})`),
    ...missing.map((c) => `no ${c} column`),
    ...repeated.map((c) => `column ${c} appears more than once`),
  ];
  if (problems.length > 0) throw ruleViolation(problems.map((message) => ({ path: 'line 1', message })));
  return columns;
}

/** A CSV line as the record NDJSON would carry: empty fields left out, otherEmails split on ";". */
function csvRecord(text: string, columns: readonly string[]): Record<string, unknown> | string {
  const fields = csvFields(text);
  if (fields === null) return 'not valid CSV (a quote is not closed, or text follows a closing quote)';
  if (fields.length !== columns.length) return `${fields.length} fields where the header has ${columns.length}`;
  const record: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    const value = fields[i]!;
    if (value.trim() === '') return;
    record[column] = column === 'otherEmails' ? value.split(';').map((e) => e.trim()).filter((e) => e !== '') : value;
  });
  return record;
}

/** Comma-separated fields, a field in double quotes holding commas or doubled quotes; null when malformed. */
function csvFields(text: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close < 0) return null;
        value += text.slice(i, close);
        if (text[close + 1] === '"') {
          value += '"';
          i = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      fields.push(value);
      if (i === text.length) return fields;
      if (text[i] !== ',') return null;
      i++;
    } else {
      const comma = text.indexOf(',', i);
      const value = text.slice(i, comma < 0 ? text.length : comma);
      if (value.includes('"')) return null;
      fields.push(value);
      if (comma < 0) return fields;
      i = comma + 1;
    }
  }
}
