import type { ServerResponse } from 'node:http';
import type pg from 'pg';
import { type CsvValue, csvRow } from './csv.ts';

/** Rows per FETCH: large enough to amortise the round trip, small enough to stay a few hundred KB. */
const FETCH_ROWS = 2_000;

export interface CsvQuery<Row> {
  header: readonly string[];
  sql: string;
  params: readonly unknown[];
  toRecord(row: Row): CsvValue[];
}

/**
 * Streams a query as CSV with memory independent of its size: a server-side cursor read in
 * batches inside one read-only REPEATABLE READ transaction (one consistent snapshot for the whole
 * file), each batch written only once the client has taken the previous one (backpressure). A
 * client that goes away stops the query. Returns the number of data rows written.
 */
export async function streamCsv<Row>(
  pool: pg.Pool,
  res: ServerResponse,
  query: CsvQuery<Row>,
): Promise<number> {
  const client = await pool.connect();
  let closed = false;
  const onClose = () => {
    closed = true;
  };
  res.once('close', onClose);
  let rows = 0;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`DECLARE report NO SCROLL CURSOR FOR ${query.sql}`, [...query.params]);
    if (!res.write(csvRow(query.header))) await drained(res);
    while (!closed) {
      const batch = await client.query<Row & pg.QueryResultRow>(`FETCH ${FETCH_ROWS} FROM report`);
      if (batch.rows.length === 0) break;
      let chunk = '';
      for (const row of batch.rows) chunk += csvRow(query.toRecord(row));
      rows += batch.rows.length;
      if (!res.write(chunk)) await drained(res);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    res.off('close', onClose);
    client.release();
  }
  if (!closed) res.end();
  return rows;
}

/** Waits until the response can take more, or the client went away. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
