/** Axes of the report, the SVG and the live view: readable ticks on linear and logarithmic scales. */

/** One tick: where it goes (in data units) and what it says. */
export interface Tick {
  readonly value: number;
  readonly label: string;
}

/** An axis as the pages draw it: its range, its scale and its ticks. `zero`: a log axis that also shows t = 0 at its left end. */
export interface Axis {
  readonly lo: number;
  readonly hi: number;
  readonly log: boolean;
  readonly ticks: readonly Tick[];
  readonly zero?: boolean;
}

/** A number as a tick says it: plain between 0.001 and 99,999, else 2e-4 style; at most `digits` significant digits. */
export function tickLabel(v: number, digits = 3): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(digits)));
  const [m, e] = v.toExponential(digits - 1).split('e');
  return `${Number(m)}e${Number(e)}`;
}

/**
 * Ticks of a logarithmic axis over [lo, hi] (0 < lo <= hi): every decade, with 2 and 5 in between while that
 * makes at most about `most` ticks; every k-th decade when there are more than `most` decades; within one decade,
 * the integer mantissas.
 * Always at least two ticks (the ends, when nothing rounder lies inside).
 */
export function logTicks(lo: number, hi: number, most = 7): Tick[] {
  if (!(lo > 0) || !(hi >= lo) || !Number.isFinite(hi)) throw new Error(`a log axis needs 0 < lo <= hi, got [${lo}, ${hi}]`);
  const e0 = Math.floor(Math.log10(lo));
  const e1 = Math.ceil(Math.log10(hi));
  const decades = Math.log10(hi / lo);
  const inside = (v: number) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const build = (mantissas: readonly number[], every: number): Tick[] => {
    const out: Tick[] = [];
    for (let e = e0; e <= e1; e += every) {
      for (const m of mantissas) {
        const v = Number((m * Math.pow(10, e)).toPrecision(12));
        if (inside(v)) out.push({ value: v, label: tickLabel(v) });
      }
    }
    return out;
  };
  let ticks: Tick[];
  if (decades * 3 <= most) ticks = build([1, 2, 5], 1);
  else if (decades <= most) ticks = build([1], 1);
  else ticks = build([1], Math.ceil(decades / most));
  if (ticks.length < 2) ticks = build([1, 2, 3, 4, 5, 6, 7, 8, 9], 1);
  if (ticks.length < 2) ticks = [{ value: lo, label: tickLabel(lo, 2) }, ...(hi > lo ? [{ value: hi, label: tickLabel(hi, 2) }] : [])];
  return ticks;
}

/** Ticks of a linear axis over [lo, hi]: steps of 1, 2 or 5 times a power of ten, about `count` of them. */
export function linearTicks(lo: number, hi: number, count = 5): Tick[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) throw new Error(`a linear axis needs finite lo <= hi, got [${lo}, ${hi}]`);
  if (hi === lo) return [{ value: lo, label: tickLabel(lo) }];
  const raw = (hi - lo) / Math.max(1, count);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * p;
  const out: Tick[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
    const v = Number((k * step).toPrecision(12));
    out.push({ value: v, label: tickLabel(v, 6) });
  }
  return out;
}

/**
 * The axis of values `v` (non-finite values, and on a log axis values <= 0, are left out): a log axis spans whole
 * decades' worth of ticks; a linear one starts at 0 when the data are positive and close enough to it.
 * `extra` values (a limit line) are kept in range.
 */
export function valueAxis(v: readonly (number | null)[], log: boolean, extra: readonly number[] = []): Axis {
  const use = [...v, ...extra].filter((x): x is number => x !== null && Number.isFinite(x) && (!log || x > 0));
  if (use.length === 0) return log ? { lo: 1e-3, hi: 1, log, ticks: logTicks(1e-3, 1) } : { lo: 0, hi: 1, log, ticks: linearTicks(0, 1) };
  let lo = Math.min(...use);
  let hi = Math.max(...use);
  if (log) {
    if (hi <= lo * 1.0001) [lo, hi] = [lo / 2, hi * 2];
    return { lo, hi, log, ticks: logTicks(lo, hi) };
  }
  if (lo >= 0 && lo < 0.5 * hi) lo = 0;
  if (hi <= lo) [lo, hi] = [lo - (Math.abs(lo) || 1) / 2, hi + (Math.abs(hi) || 1) / 2];
  else {
    // A margin, so that a curve or a limit line on the edge stays visible.
    const m = 0.05 * (hi - lo);
    [lo, hi] = [lo === 0 ? 0 : lo - m, hi + m];
  }
  return { lo, hi, log, ticks: linearTicks(lo, hi) };
}

/**
 * Whether sample times are geometric (as `run` samples its history: 0, then duration x 1e-4 ... duration), so that
 * a log time axis shows them evenly; equally spaced times (the standalone mode) get a linear axis.
 */
export function timeIsGeometric(t: readonly number[]): boolean {
  const pos = t.filter((x) => x > 0);
  if (pos.length < 3) return false;
  const first = pos[1] - pos[0];
  const last = pos[pos.length - 1] - pos[pos.length - 2];
  return pos[pos.length - 1] / pos[0] >= 100 && last > 10 * first;
}

/** The time axis of samples at times `t`: log (with t = 0 shown at its left end) for geometric samples, else linear. */
export function timeAxis(t: readonly number[]): Axis {
  if (timeIsGeometric(t)) {
    const pos = t.filter((x) => x > 0);
    const lo = pos[0];
    const hi = pos[pos.length - 1];
    return { lo, hi, log: true, zero: t.some((x) => x <= 0), ticks: logTicks(lo, hi) };
  }
  const lo = t.length ? Math.min(...t) : 0;
  const hi = t.length ? Math.max(...t) : 1;
  return hi > lo ? { lo, hi, log: false, ticks: linearTicks(lo, hi) } : { lo, hi: lo + 1, log: false, ticks: linearTicks(lo, lo + 1) };
}
