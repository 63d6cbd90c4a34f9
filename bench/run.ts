import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureLocalKeys } from '../shared/auth/local-keys';
import { metricCatalog } from '../shared/domain/metrics';
import { appDir, profileChildrenInto } from './children';
import { fanoutOnce } from './fanout';
import { importOnce, type ImportFigures } from './import';
import { reportsOnce, type ReportFigures } from './reports';
import { fmt, machine, median } from './stats';
import { duckdbOnce, exportFile, pandasOnce, pandasPython, transformOnce, type TransformFigures } from './transform';

// `npm run bench`: the import, memory, CPU, report, transform and fan-out figures, each measured
// `--runs` times (median quoted), against Azurite and local Functions hosts started here, each in its
// own process; the import and report recomputation once per work-host count of `--hosts`. Prints one
// table and writes the raw figures to .bench/. One file per benchmark beside this one.
//
//   npm run bench [-- --employees 100000 --runs 3 --hosts 1,2,4 --tenants 1000 --only transform,import,reports,roster,fanout --pull-heap-mb 192 --cpu-prof --data-quality]
//   npm run bench -- --table-from .bench/bench-<date>.json   (the table of a run's raw figures, again)

const outDir = path.join(appDir, '.bench');

interface Options {
  pullHeapMb: number | undefined;
  employees: number;
  runs: number;
  /** Work-host counts to measure the import and the report recomputation with; the first is the reference the others must match. */
  hosts: number[];
  tenants: number;
  only: Set<string>;
  /** Each import once more with every data-quality rule on, right after the one without (issue 17). */
  dataQuality: boolean;
  /** Folder for V8 CPU profiles of every process the benchmark starts (`--cpu-prof`), to see which one caps throughput. */
  cpuProfDir: string | undefined;
}

function parseOptions(argv: string[]): Options {
  const value = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
  };
  const positive = (name: string, text: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer (or a list of them)`);
    return n;
  };
  return {
    pullHeapMb: argv.includes('--pull-heap-mb') ? positive('pull-heap-mb', value('pull-heap-mb', '')) : undefined,
    employees: positive('employees', value('employees', '100000')),
    runs: positive('runs', value('runs', '3')),
    hosts: value('hosts', '1').split(',').map((n) => positive('hosts', n)),
    tenants: positive('tenants', value('tenants', '1000')),
    only: new Set(value('only', 'transform,import,reports,roster,fanout').split(',')),
    cpuProfDir: argv.includes('--cpu-prof') ? path.join(outDir, 'profiles') : undefined,
    dataQuality: argv.includes('--data-quality'),
  };
}

type Row = [string, string, string, string];
const hostsLabel = (n: number) => `${n} work host${n === 1 ? '' : 's'}`;
// A host count is "no slower" when its wall time is within this of the first count's. Wall time, not
// the ratio to the limit: the limit is measured minutes after each import, and on a machine shared
// with other work the load (and so the limit) changes between those minutes more than between runs.
const noise = 0.1;

function importRows(byHosts: Map<number, ImportFigures[]>, reportsByHosts: Map<number, ReportFigures>, employees: number): Row[] {
  const rows: Row[] = [];
  const [reference, ...others] = [...byHosts.keys()];
  const ref = byHosts.get(reference!)!;
  const refWall = median(ref.map((r) => r.wallMs));
  for (const n of [reference!, ...others]) {
    const runs = byHosts.get(n)!;
    const ratio = median(runs.map((r) => r.ratioToLimit));
    const load = runs.every((r) => r.loadAverage !== undefined) ? `, load ${fmt(median(runs.map((r) => r.loadAverage!)), 1)}` : '';
    const measured = `${fmt(median(runs.map((r) => r.employeesPerSecond)))} employees/s (${fmt(median(runs.map((r) => r.wallMs)) / 1000, 1)} s, pull ${fmt(median(runs.map((r) => r.pullMs)) / 1000, 1)} s${load}), ${fmt(ratio, 2)} of the limit (${fmt(median(runs.map((r) => r.limitEntitiesPerSecond)))} entities/s; runs ${runs.map((r) => fmt(r.ratioToLimit, 2)).join(', ')})`;
    if (n === reference) {
      rows.push([`import: ${hostsLabel(n)}`, measured, '≥ 0.80 of the limit', ratio >= 0.8 ? 'yes' : 'no']);
    } else {
      const same = runs.every((r) => r.valuesDigest === ref[0]!.valuesDigest);
      rows.push([`import: ${hostsLabel(n)}`, `${measured}; same values as ${hostsLabel(reference!)}: ${same ? 'yes' : 'no'}`, `wall ≤ ${fmt(1 + noise, 1)} × ${hostsLabel(reference!)}'s, same values`, median(runs.map((r) => r.wallMs)) <= (1 + noise) * refWall && same ? 'yes' : 'no']);
    }
  }
  const coreShare = (cpuMs: number, runs: ImportFigures[]) => cpuMs / median(runs.map((r) => r.wallMs));
  rows.push([
    'import: CPU per wall second (cores), Azurite vs hosts',
    [...byHosts].map(([n, runs]) => `${n}: Azurite ${fmt(coreShare(median(runs.map((r) => r.cpuMs.azurite)), runs), 2)}, pull + work hosts ${fmt(coreShare(median(runs.map((r) => r.cpuMs.pull + r.cpuMs.bucket)), runs), 2)}`).join('; '),
    '',
    '',
  ]);
  rows.push(['memory: pull step peak RSS', `${fmt(median(ref.map((r) => r.pullPeakRssMb)))} MB`, '≤ 256 MB', median(ref.map((r) => r.pullPeakRssMb)) <= 256 ? 'yes' : 'no']);

  // CPU per stage, per 100,000 employees: a stage costs the same CPU whichever host count runs it, so
  // every import counts (CPU time too varies with the load other work puts on the machine).
  const all = [...byHosts.values()].flat();
  const per100k = (ms: number) => (ms / 1000) * (100_000 / employees);
  const pull = per100k(median(all.map((r) => r.cpuMs.pull)));
  const bucket = per100k(median(all.map((r) => r.cpuMs.bucket)));
  const client = per100k(median(all.map((r) => r.cpuMs.limitClient)));
  const ratios = all.map((r) => (r.cpuMs.pull + r.cpuMs.bucket) / r.cpuMs.limitClient);
  const ratio = median(ratios);
  rows.push([
    'CPU s per 100,000 employees: pull, bucket',
    `pull ${fmt(pull, 1)} s, bucket ${fmt(bucket, 1)} s (bucket by host count: ${[...byHosts].map(([n, runs]) => `${n}: ${fmt(per100k(median(runs.map((r) => r.cpuMs.bucket))), 1)} s`).join(', ')})`,
    '',
    '',
  ]);
  rows.push([
    'CPU s per 100,000 employees: import (pull + bucket) vs minimal client',
    `${fmt(pull + bucket, 1)} s vs ${fmt(client, 1)} s (×${fmt(ratio, 2)}; imports ${ratios.map((r) => `×${fmt(r, 2)}`).join(', ')})`,
    '≤ ×2.00',
    ratio <= 2 ? 'yes' : 'no',
  ]);
  const refReport = reportsByHosts.get(reference!);
  if (refReport) {
    const perRespondents = (ms: number) => (ms / 1000) * (100_000 / refReport.respondents);
    rows.push([
      'CPU s per 100,000 employees: report refresh, ingest of responses',
      `refresh ${fmt(perRespondents(refReport.cpuMs.refresh), 1)} s, ingest ${fmt(perRespondents(refReport.cpuMs.ingest), 1)} s (Azurite ${fmt(perRespondents(refReport.cpuMs.azuriteRefresh), 1)} s, ${fmt(perRespondents(refReport.cpuMs.azuriteIngest), 1)} s)`,
      '',
      '',
    ]);
  }
  return rows;
}

/** The import with every data-quality rule on against the same host count's import without, run right before it. */
function dataQualityRows(byHosts: Map<number, ImportFigures[]>, withRules: Map<number, ImportFigures[]>): Row[] {
  return [...withRules].flatMap(([n, runs]): Row[] => {
    const off = median(byHosts.get(n)!.map((r) => r.wallMs));
    const on = median(runs.map((r) => r.wallMs));
    const rss = median(runs.map((r) => r.pullPeakRssMb));
    const load = runs.every((r) => r.loadAverage !== undefined) ? `, load ${fmt(median(runs.map((r) => r.loadAverage!)), 1)}` : '';
    // The rules run in the pull: its CPU time moves less with the machine's load than wall time does.
    const pullCpu = (figures: ImportFigures[]) => median(figures.map((r) => r.cpuMs.pull)) / 1000;
    const found = runs[0]!.dataQuality;
    const what = found ? `; found ${found.holidayWeeks} holiday weeks, ${fmt(found.personWeeksExcluded)} person-weeks excluded, ${fmt(found.nonKnowledgeWorkers)} non-knowledge workers` : '';
    return [
      [
        `import with all data-quality rules: ${hostsLabel(n)}`,
        `${fmt(on / 1000, 1)} s (pull ${fmt(median(runs.map((r) => r.pullMs)) / 1000, 1)} s${load}) vs ${fmt(off / 1000, 1)} s without (×${fmt(on / off, 2)}); pull CPU ${fmt(pullCpu(runs), 1)} s vs ${fmt(pullCpu(byHosts.get(n)!), 1)} s${what}`,
        '≤ ×1.10',
        on <= 1.1 * off ? 'yes' : 'no',
      ],
      [`memory: pull step peak RSS, data-quality rules on, ${hostsLabel(n)}`, `${fmt(rss)} MB`, '≤ 256 MB', rss <= 256 ? 'yes' : 'no'],
    ];
  });
}

/** What matching to Glint's roster adds to an import of as many employees (issue 15): at most 20 %. */
function rosterRow(plain: ImportFigures[], matched: ImportFigures[]): Row {
  const wall = median(matched.map((r) => r.wallMs)) / median(plain.map((r) => r.wallMs));
  const roster = matched[0]!.roster!;
  // Matching runs in the pull (roster read, matching, the persons kept): its CPU time says what it
  // costs when the machine's load moves wall times more than that.
  const cpu = (runs: ImportFigures[]) => median(runs.map((r) => r.cpuMs.pull + r.cpuMs.bucket));
  const pullCpu = (runs: ImportFigures[]) => median(runs.map((r) => r.cpuMs.pull));
  const load = (runs: ImportFigures[]) => (runs.every((r) => r.loadAverage !== undefined) ? `, load ${fmt(median(runs.map((r) => r.loadAverage!)), 1)}` : '');
  return [
    `import matched to a ${fmt(roster.employees)}-employee roster: ${hostsLabel(matched[0]!.hosts)}`,
    `${fmt(median(matched.map((r) => r.wallMs)) / 1000, 1)} s (pull ${fmt(median(matched.map((r) => r.pullMs)) / 1000, 1)} s${load(matched)}) vs ${fmt(median(plain.map((r) => r.wallMs)) / 1000, 1)} s (pull ${fmt(median(plain.map((r) => r.pullMs)) / 1000, 1)} s${load(plain)}) without: ×${fmt(wall, 2)}; CPU of pull + bucket ${fmt(cpu(matched) / 1000, 1)} s vs ${fmt(cpu(plain) / 1000, 1)} s (×${fmt(cpu(matched) / cpu(plain), 2)}; pull ${fmt(pullCpu(matched) / 1000, 1)} s vs ${fmt(pullCpu(plain) / 1000, 1)} s); ${fmt(roster.matched)} matched, ${fmt(roster.matchedByAlternateId)} through the email; roster upload ${fmt(roster.uploadMs / 1000, 1)} s`,
    '≤ ×1.20',
    wall <= 1.2 ? 'yes' : 'no',
  ];
}

function reportRows(reportsByHosts: Map<number, ReportFigures>): Row[] {
  const rows: Row[] = [];
  const [reference, ...others] = [...reportsByHosts.keys()];
  const ref = reportsByHosts.get(reference!)!;
  if (ref.rounds.length > 0) {
    const p50 = median(ref.rounds.map((r) => r.medianMs));
    const p95 = median(ref.rounds.map((r) => r.p95Ms));
    rows.push([`reports: behavior section, ${fmt(ref.respondents)} respondents`, `median ${fmt(p50, 1)} ms, p95 ${fmt(p95, 1)} ms`, 'p95 ≤ 50 ms', p95 <= 50 ? 'yes' : 'no']);
  }
  rows.push([`reports: ingest of ${fmt(ref.respondents * 10)} responses`, `${fmt(ref.ingestMs / 1000, 1)} s`, '', '']);
  for (const n of [reference!, ...others]) {
    const r = reportsByHosts.get(n)!;
    const load = r.loadAverage ? `, load ${fmt(r.loadAverage.refresh, 1)}` : '';
    const cpu = `CPU: hosts ${fmt(r.cpuMs.refresh / 1000, 1)} s, Azurite ${fmt(r.cpuMs.azuriteRefresh / 1000, 1)} s`;
    if (n === reference) {
      rows.push([`reports: recomputation, ${hostsLabel(n)}`, `${fmt(r.refreshMs / 1000, 1)} s (${cpu}${load})`, '', '']);
      rows.push([
        `reports: recomputation after ten range changes, ${hostsLabel(n)}`,
        `${fmt(r.refreshWithHistoryMs / 1000, 1)} s (×${fmt(r.refreshWithHistoryMs / r.refreshMs, 2)})`,
        '≤ 2 × without history',
        r.refreshWithHistoryMs <= 2 * r.refreshMs ? 'yes' : 'no',
      ]);
    } else {
      const same = r.reportsDigest === ref.reportsDigest;
      rows.push([
        `reports: recomputation, ${hostsLabel(n)}`,
        `${fmt(r.refreshMs / 1000, 1)} s (${cpu}${load}); same reports as ${hostsLabel(reference!)}: ${same ? 'yes' : 'no'}`,
        `≤ ${fmt(1 + noise, 1)} × ${hostsLabel(reference!)}'s, same reports`,
        r.refreshMs <= (1 + noise) * ref.refreshMs && same ? 'yes' : 'no',
      ]);
    }
  }
  return rows;
}

function transformRows(ours: TransformFigures[], pandas: TransformFigures[], duckdb: TransformFigures[], duckdbSkipped: string | undefined): Row[] {
  const rows: Row[] = [];
  const rps = median(ours.map((r) => r.rowsPerSecond));
  const rss = median(ours.map((r) => r.peakRssMb));
  const same = (other: TransformFigures[]) => (JSON.stringify(ours[0]!.buckets) === JSON.stringify(other[0]!.buckets) ? 'yes' : `no: ${ours[0]!.buckets.join(',')} vs ${other[0]!.buckets.join(',')}`);
  const sameAs: string[] = [];
  if (pandas.length > 0) {
    const pandasRps = median(pandas.map((r) => r.rowsPerSecond));
    const pandasRss = median(pandas.map((r) => r.peakRssMb));
    rows.push(['transform: rows/s vs pandas', `${fmt(rps)} vs ${fmt(pandasRps)} (×${fmt(rps / pandasRps, 2)})`, '≥ ×1.00', rps >= pandasRps ? 'yes' : 'no']);
    rows.push(['transform: peak RSS vs pandas', `${fmt(rss)} MB vs ${fmt(pandasRss)} MB (×${fmt(rss / pandasRss, 2)})`, '≤ ×0.50', rss <= pandasRss / 2 ? 'yes' : 'no']);
    sameAs.push(`pandas ${same(pandas)}`);
  } else {
    rows.push(['transform: rows/s, peak RSS', `${fmt(rps)}, ${fmt(rss)} MB (pandas not installed: apt-get install python3-pandas)`, '', '']);
  }
  if (duckdb.length > 0) {
    const duckRps = median(duckdb.map((r) => r.rowsPerSecond));
    const duckRss = median(duckdb.map((r) => r.peakRssMb));
    rows.push(['transform: rows/s vs DuckDB (exact DECIMAL, 1 thread)', `${fmt(rps)} vs ${fmt(duckRps)} (×${fmt(rps / duckRps, 2)})`, '', '']);
    rows.push(['transform: peak RSS vs DuckDB', `${fmt(rss)} MB vs ${fmt(duckRss)} MB (×${fmt(rss / duckRss, 2)})`, '', '']);
    sameAs.push(`DuckDB ${same(duckdb)}`);
  } else if (duckdbSkipped) {
    rows.push(['transform: DuckDB', `skipped: ${duckdbSkipped}`, '', '']);
  }
  if (sameAs.length > 0) rows.push(['transform: same buckets as', sameAs.join(', '), '', '']);
  return rows;
}

/** The raw figures of a run, as written to .bench/; the table is made from them alone. */
interface Results {
  date: string;
  machine: ReturnType<typeof machine>;
  options: Omit<Options, 'only'> & { only: string[] };
  /** By work-host count, in the order of --hosts. */
  import?: [number, ImportFigures[]][];
  /** The same imports with every data-quality rule on (`--data-quality`). */
  importDataQuality?: [number, ImportFigures[]][];
  /** The import on the first host count again, matched to a roster of the same people (issue 15). */
  roster?: ImportFigures[];
  reports?: [number, ReportFigures][];
  transform?: { ours: TransformFigures[]; pandas: TransformFigures[]; duckdb: TransformFigures[]; duckdbSkipped?: string | undefined };
  fanout?: { tenants: number; pulls: number; ms: number }[];
}

function tableOf(results: Results): string[] {
  const table: Row[] = [];
  if (results.import) {
    const reports = new Map(results.reports ?? []);
    table.push(...importRows(new Map(results.import), reports, results.options.employees));
    if (results.importDataQuality) table.push(...dataQualityRows(new Map(results.import), new Map(results.importDataQuality)));
    if (results.roster) table.push(rosterRow(results.import[0]![1], results.roster));
    if (reports.size > 0) table.push(...reportRows(reports));
  }
  if (results.transform) {
    const { ours, pandas, duckdb, duckdbSkipped } = results.transform;
    table.push(...transformRows(ours, pandas, duckdb, duckdbSkipped));
  }
  if (results.fanout) {
    const runs = results.fanout;
    const ms = median(runs.map((r) => r.ms));
    table.push([`fan-out: Sunday timer, ${fmt(runs[0]!.tenants)} tenants × 3 programs`, `${fmt(ms / 1000, 2)} s for ${fmt(runs[0]!.pulls)} pulls (${fmt(runs[0]!.pulls / (ms / 1000))}/s)`, '', '']);
  }
  const m = results.machine;
  return [
    `Benchmark ${results.date.slice(0, 10)}, median of ${results.options.runs} runs; ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}`,
    '',
    '| figure | measured | target | met |',
    '|---|---|---|---|',
    ...table.map((row) => `| ${row.join(' | ')} |`),
  ];
}

async function measure(options: Options): Promise<Results> {
  const keysDir = path.join(outDir, 'keys');
  await ensureLocalKeys(keysDir);
  if (options.cpuProfDir) {
    mkdirSync(options.cpuProfDir, { recursive: true });
    profileChildrenInto(options.cpuProfDir);
  }
  const results: Results = { date: new Date().toISOString(), machine: machine(), options: { ...options, only: [...options.only] } };

  if (options.only.has('import') || options.only.has('reports')) {
    const imports = new Map<number, ImportFigures[]>(options.hosts.map((n) => [n, []]));
    const dataQualityImports = new Map<number, ImportFigures[]>(options.hosts.map((n) => [n, []]));
    const reports = new Map<number, ReportFigures>();
    for (let r = 0; r < options.runs; r++) {
      for (const [h, n] of options.hosts.entries()) {
        // Reports once per host count (the ingest of a million responses takes minutes); request times once.
        const keep = r === 0 && options.only.has('reports');
        console.log(`import ${r + 1}/${options.runs}, ${hostsLabel(n)}: ${options.employees} employees × 12 weeks × ${metricCatalog.length} metrics ...`);
        const { figures, live } = await importOnce(options, n, keysDir, keep);
        console.log(`  ${fmt(figures.wallMs / 1000, 1)} s (pull ${fmt(figures.pullMs / 1000, 1)} s), ${fmt(figures.employeesPerSecond)} employees/s, limit ${fmt(figures.limitEntitiesPerSecond)}/s, CPU ${JSON.stringify(figures.cpuMs)}, pull peak RSS ${fmt(figures.pullPeakRssMb)} MB`);
        imports.get(n)!.push(figures);
        if (options.dataQuality) {
          console.log(`import ${r + 1}/${options.runs}, ${hostsLabel(n)}, every data-quality rule on ...`);
          const { figures: withRules } = await importOnce(options, n, keysDir, false, true);
          console.log(`  ${fmt(withRules.wallMs / 1000, 1)} s (pull ${fmt(withRules.pullMs / 1000, 1)} s), pull peak RSS ${fmt(withRules.pullPeakRssMb)} MB, ${JSON.stringify(withRules.dataQuality)}`);
          dataQualityImports.get(n)!.push(withRules);
        }
        if (live) {
          try {
            console.log(`reports, ${hostsLabel(n)}: ${figures.employees} respondents × 10 items ...`);
            const figuresOfReports = await reportsOnce(live, figures.employees, n, h === 0);
            console.log(`  ingest ${fmt(figuresOfReports.ingestMs / 1000, 1)} s, recomputation ${fmt(figuresOfReports.refreshMs / 1000, 1)} s, after ten range changes ${fmt(figuresOfReports.refreshWithHistoryMs / 1000, 1)} s, CPU ${JSON.stringify(figuresOfReports.cpuMs)} ${JSON.stringify(figuresOfReports.rounds)}`);
            reports.set(n, figuresOfReports);
          } finally {
            await live.stop();
          }
        }
      }
    }
    results.import = [...imports];
    if (options.dataQuality) results.importDataQuality = [...dataQualityImports];
    if (reports.size > 0) results.reports = [...reports];
    if (options.only.has('roster')) {
      results.roster = [];
      for (let r = 0; r < options.runs; r++) {
        console.log(`import ${r + 1}/${options.runs} matched to a roster, ${hostsLabel(options.hosts[0]!)} ...`);
        const { figures } = await importOnce({ ...options, roster: true }, options.hosts[0]!, keysDir, false);
        console.log(`  ${fmt(figures.wallMs / 1000, 1)} s (pull ${fmt(figures.pullMs / 1000, 1)} s), roster ${JSON.stringify(figures.roster)}`);
        results.roster.push(figures);
      }
    }
  }

  if (options.only.has('transform')) {
    const { file, from, to } = await exportFile(outDir, options.employees);
    const ours = Array.from({ length: options.runs }, () => transformOnce(file, from, to));
    const python = pandasPython();
    const pandas = python ? Array.from({ length: options.runs }, () => pandasOnce(python, file, from, to)) : [];
    const duckdb: TransformFigures[] = [];
    let duckdbSkipped: string | undefined;
    for (let r = 0; r < options.runs && duckdbSkipped === undefined; r++) {
      const result = duckdbOnce(file, from, to);
      if ('skipped' in result) duckdbSkipped = result.skipped;
      else duckdb.push(result);
    }
    results.transform = { ours, pandas, duckdb, duckdbSkipped };
  }

  if (options.only.has('fanout')) {
    results.fanout = [];
    for (let r = 0; r < options.runs; r++) {
      console.log(`fan-out ${r + 1}/${options.runs}: ${options.tenants} tenants × 3 programs ...`);
      results.fanout.push(await fanoutOnce(options.tenants, keysDir));
    }
  }
  return results;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  mkdirSync(outDir, { recursive: true });
  // --table-from <raw.json>: the table of figures measured before, without measuring again.
  const from = argv.indexOf('--table-from');
  if (from >= 0) {
    console.log(tableOf(JSON.parse(readFileSync(argv[from + 1]!, 'utf8')) as Results).join('\n'));
    return;
  }
  const results = await measure(parseOptions(argv));
  const lines = tableOf(results);
  console.log(`\n${lines.join('\n')}`);
  const file = path.join(outDir, `bench-${results.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ ...results, table: lines }, null, 2)}\n`);
  console.log(`\nraw figures: ${path.relative(appDir, file)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
