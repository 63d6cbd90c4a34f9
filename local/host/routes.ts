// ASP.NET Core route templates as the Functions host reads `route`: literal segments, `{name}`,
// `{name?}`, `{name:constraint}`, `{name=default}` and a trailing `{*catchAll}`. Literal matching is
// case-insensitive; a literal segment wins over a parameter, as in the host's route precedence.

type Segment =
  | { kind: 'literal'; text: string }
  | { kind: 'param'; name: string; optional: boolean; catchAll: boolean; constraint?: string; defaultValue?: string };

const constraints: Record<string, (value: string) => boolean> = {
  int: (v) => /^-?\d+$/.test(v) && Math.abs(Number(v)) <= 2 ** 31,
  long: (v) => /^-?\d+$/.test(v),
  alpha: (v) => /^[a-z]+$/i.test(v),
  bool: (v) => /^(true|false)$/i.test(v),
  guid: (v) => /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i.test(v),
  double: (v) => v.trim() !== '' && Number.isFinite(Number(v)),
  decimal: (v) => v.trim() !== '' && Number.isFinite(Number(v)),
};

export class RouteTemplate {
  readonly template: string;
  readonly #segments: Segment[];

  constructor(template: string) {
    this.template = template;
    const raw = template.replace(/^\/+|\/+$/g, '');
    this.#segments = raw === '' ? [] : raw.split('/').map((text, index, all) => parseSegment(text, index === all.length - 1, template));
    const firstOptional = this.#segments.findIndex((s) => s.kind === 'param' && (s.optional || s.catchAll));
    if (firstOptional >= 0 && this.#segments.slice(firstOptional).some((s) => s.kind === 'literal' || !(s.optional || s.catchAll))) {
      throw new Error(`Route "${template}": only trailing parameters may be optional`);
    }
  }

  /** Sort key: lower is more specific (literal < constrained < parameter < optional < catch-all). */
  get precedence(): number[] {
    return this.#segments.map((s) =>
      s.kind === 'literal' ? 1 : s.catchAll ? 5 : s.optional || s.defaultValue !== undefined ? 4 : s.constraint ? 2 : 3,
    );
  }

  /** Route values for `path` (already stripped of the route prefix), or null when it does not match. */
  match(path: string): Record<string, string> | null {
    const trimmed = path.replace(/^\/+|\/+$/g, '');
    const parts = trimmed === '' ? [] : trimmed.split('/');
    const values: Record<string, string> = {};
    for (let i = 0; i < this.#segments.length; i++) {
      const segment = this.#segments[i]!;
      if (segment.kind === 'param' && segment.catchAll) {
        const rest = parts.slice(i).map(safeDecode);
        if (rest.some((p) => p === null)) return null;
        if (rest.length > 0) values[segment.name] = rest.join('/');
        else if (segment.defaultValue !== undefined) values[segment.name] = segment.defaultValue;
        return values;
      }
      const part = parts[i];
      if (part === undefined) {
        if (segment.kind === 'literal') return null;
        if (segment.defaultValue !== undefined) values[segment.name] = segment.defaultValue;
        else if (!segment.optional) return null;
        continue;
      }
      const decoded = safeDecode(part);
      if (decoded === null || decoded === '') return null;
      if (segment.kind === 'literal') {
        if (decoded.toLowerCase() !== segment.text.toLowerCase()) return null;
      } else {
        if (segment.constraint && !constraints[segment.constraint]!(decoded)) return null;
        values[segment.name] = decoded;
      }
    }
    return parts.length > this.#segments.length ? null : values;
  }
}

function parseSegment(text: string, isLast: boolean, template: string): Segment {
  if (!text.includes('{')) {
    if (text.includes('}')) throw new Error(`Route "${template}": unbalanced "}" in "${text}"`);
    return { kind: 'literal', text };
  }
  const match = /^\{(\*{1,2})?([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?(\?)?(?:=([^}]*))?\}$/.exec(text);
  if (!match) throw new Error(`Route "${template}": unsupported segment "${text}" (a segment is a literal or one whole {parameter})`);
  const [, star, name, constraint, optional, defaultValue] = match;
  if (constraint && !constraints[constraint]) {
    throw new Error(`Route "${template}": unsupported constraint ":${constraint}" (supported: ${Object.keys(constraints).join(', ')})`);
  }
  if (star && !isLast) throw new Error(`Route "${template}": a catch-all parameter must be the last segment`);
  return {
    kind: 'param',
    name: name!,
    optional: Boolean(optional),
    catchAll: Boolean(star),
    ...(constraint ? { constraint } : {}),
    ...(defaultValue !== undefined ? { defaultValue } : {}),
  };
}

function safeDecode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

export function comparePrecedence(a: RouteTemplate, b: RouteTemplate): number {
  const pa = a.precedence;
  const pb = b.precedence;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
