/** Types of checkout-strings.js for the server (the browser loads the JavaScript as it is). */

export const STRINGS: Record<string, Record<string, string>>;
export const DEFAULT_LOCALE: string;
export function pickLocale(acceptLanguage: string | null | undefined): string;
export function t(locale: string, key: string, values?: Record<string, string | number>): string;
