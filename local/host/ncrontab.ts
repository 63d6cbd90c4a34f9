import { Cron } from 'croner';

// NCRONTAB as the Functions timer trigger reads it: six fields, seconds first, always UTC here
// (WEBSITE_TIME_ZONE is not supported), and a day must match BOTH day-of-month and day-of-week, as
// NCrontab does (classic cron ORs them). croner does the date arithmetic; this module limits it to
// the syntax NCRONTAB has: numbers, month and day names, `*`, `,`, `-` and `/` — no `L`, `W`, `#`, `?` or `+`.
const names = new Set(['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC', 'SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']);
const isNcrontabField = (field: string) => field.split(/[,/-]/).every((token) => token === '*' || /^\d+$/.test(token) || names.has(token.toUpperCase()));

export class NcrontabSchedule {
  readonly expression: string;
  readonly #cron: Cron;

  constructor(expression: string) {
    const fields = expression.trim().split(/\s+/);
    if (fields.length !== 6) {
      throw new Error(`"${expression}" is not an NCRONTAB expression: expected 6 fields ({second} {minute} {hour} {day} {month} {day-of-week}), got ${fields.length}`);
    }
    const bad = fields.find((f) => !isNcrontabField(f));
    if (bad !== undefined) throw new Error(`"${expression}" is not an NCRONTAB expression: unsupported field "${bad}"`);
    this.expression = fields.join(' ');
    try {
      this.#cron = new Cron(this.expression, { timezone: 'Etc/UTC', domAndDow: true, mode: '6-part', paused: true });
    } catch (error) {
      throw new Error(`"${expression}" is not an NCRONTAB expression: ${(error as Error).message}`, { cause: error });
    }
  }

  /** The first occurrence strictly after `after`, or null if there is none. */
  next(after: Date): Date | null {
    return this.#cron.nextRun(after);
  }

  nextN(count: number, after: Date): Date[] {
    return this.#cron.nextRuns(count, after);
  }
}
