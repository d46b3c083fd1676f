import { formatUnits } from '../../domain/decimal-units.ts';
import type { ReportParams } from './report-params.ts';

/** What every report's row mapping needs. */
export interface ReportContext {
  storeId: string;
  params: ReportParams;
  /** Decimals of an asset Kassa is configured with; undefined for one it no longer knows. */
  decimalsOf(asset: string): number | undefined;
}

/**
 * Smallest units (a decimal integer string) as whole units of the asset ("0.015"); empty when
 * the asset's decimals are unknown, since guessing would misstate an amount by powers of ten.
 */
export function unitsOf(ctx: ReportContext, asset: string, smallest: string | bigint | null): string | null {
  if (smallest === null) return null;
  const decimals = ctx.decimalsOf(asset);
  return decimals === undefined ? null : formatUnits(BigInt(smallest), decimals);
}
