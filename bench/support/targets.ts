import type { BenchResult, Target } from '../types.ts';

/** Builders for the shapes of target the SPEC uses, so each benchmark states its target in one line. */

const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

/** measured / baseline ≥ min, e.g. throughput at least 75% of the baseline's. */
export function ratioAtLeast(min: number, label: string): Target {
  return {
    label,
    misses: (r) => (r.ratio >= min ? [] : [`ratio ${percent(r.ratio)} < ${percent(min)}`]),
  };
}

/** measured / baseline ≤ max, e.g. time at most 1.5 × the baseline's. */
export function ratioAtMost(max: number, label: string): Target {
  return {
    label,
    misses: (r) => (r.ratio <= max ? [] : [`ratio ${r.ratio.toFixed(2)}× > ${max}×`]),
  };
}

/** A secondary figure of the measured side stays at or under a limit, e.g. p99 ≤ 50 ms. */
export function secondaryAtMost(name: string, max: number): (r: BenchResult) => string[] {
  return (r) => {
    const figure = r.measured.secondary?.find((s) => s.name === name);
    if (!figure) return [`no ${name} figure was measured`];
    return figure.value <= max ? [] : [`${name} ${figure.value} ${figure.unit} > ${max} ${figure.unit}`];
  };
}

/** Every part must hold; the label says the whole target. */
export function allOf(label: string, ...checks: Array<Target | ((r: BenchResult) => string[])>): Target {
  return {
    label,
    misses: (r) => checks.flatMap((check) => (typeof check === 'function' ? check(r) : check.misses(r))),
  };
}
