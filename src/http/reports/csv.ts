/**
 * RFC 4180 CSV: fields separated by commas, records ended by CRLF, a field quoted when it holds
 * a comma, a double quote, CR or LF, and quotes inside doubled.
 */

export type CsvValue = string | number | bigint | boolean | Date | null | undefined;

/**
 * One field. Dates become UTC ISO 8601; null and undefined become an empty field.
 *
 * @example
 * csvField('say "hi", then go'); // "\"say \"\"hi\"\", then go\""
 */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Free text a merchant or their customer chose (order ids, external ids, descriptions) can start
 * with a character a spreadsheet reads as a formula ("=HYPERLINK(…)"); OWASP's advice is to
 * prefix such a value with a single quote so it stays text. Amounts never go through this.
 */
export function csvText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One record, CRLF-terminated. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
