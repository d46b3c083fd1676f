import { describe, expect, it } from 'vitest';
import { csvField, csvRow, csvText } from './csv.ts';

describe('RFC 4180 CSV', () => {
  it('quotes fields with commas, quotes, CR or LF, doubling quotes; leaves others alone', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField('')).toBe('');
    expect(csvField(null)).toBe('');
    expect(csvField(-12n)).toBe('-12');
  });

  it('writes dates as UTC ISO 8601 and ends records with CRLF', () => {
    expect(csvRow([new Date('2026-03-01T10:00:00+02:00'), 'x', 1])).toBe('2026-03-01T08:00:00.000Z,x,1\r\n');
  });

  it('keeps free text that a spreadsheet would run as a formula as text', () => {
    expect(csvText('=HYPERLINK("http://evil")')).toBe('\'=HYPERLINK("http://evil")');
    expect(csvText('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvText('order-1')).toBe('order-1');
    expect(csvText(null)).toBe(null);
  });
});
