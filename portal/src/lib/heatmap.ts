// Sentiment by behavior (SPEC section 13): items × the attribute's ranges. Every number comes decided
// from the API; this says how each cell reads and why one shows no number.

export type GroupStatus = 'ok' | 'insufficient' | 'suppressed';

export interface CellInput {
  status: GroupStatus;
  score: number | null;
  favorable: number | null;
}

export type Cell =
  | { kind: 'score'; score: number; favorable: number; text: string; shade: number }
  | { kind: 'insufficient' | 'suppressed' | 'withheld'; text: string; shade: null };

export const cellExplanations = {
  insufficient: 'Insufficient: fewer people answered in this range than the confidentiality threshold allows to show.',
  suppressed: 'Suppressed: this range is hidden so that it cannot be worked out from the other ranges and the overall score.',
  withheld: 'Withheld: too few answered this item in this range, or showing it together with the other scores could single someone out.',
} as const;

export const percent = (share: number) => `${Math.round(share * 100)}%`;

export function heatmapCell(input: CellInput): Cell {
  if (input.status !== 'ok') return { kind: input.status, text: input.status === 'insufficient' ? 'Insufficient' : 'Suppressed', shade: null };
  if (input.score === null || input.favorable === null) return { kind: 'withheld', text: 'Withheld', shade: null };
  return { kind: 'score', score: input.score, favorable: input.favorable, text: `${input.score.toFixed(2)} · ${percent(input.favorable)} favorable`, shade: shadeOf(input.favorable) };
}

/** Five steps of the brand ramp by share favorable (0–39%, 40–54%, 55–69%, 70–84%, 85–100%). */
export function shadeOf(favorable: number): number {
  const steps = [0.4, 0.55, 0.7, 0.85];
  return steps.filter((s) => favorable >= s).length;
}
