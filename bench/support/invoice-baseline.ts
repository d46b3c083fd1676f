import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';

/**
 * The raw-`pg` baseline of the create-invoice benchmark: the rows one invoice creation writes
 * to "Invoice" and "PaymentMethod", written with plain single-row INSERTs.
 *
 * The tables are copies of Kassa's own, in a schema of their own (`bench_baseline`) so the two
 * sides never share an index or a lock: `CREATE TABLE … (LIKE public."X" INCLUDING ALL)` copies
 * the columns, types, defaults, NOT NULLs, CHECKs, the primary key and every index (the unique
 * (storeId, orderId) and (invoiceId, asset) ones included); Kassa's foreign keys are then
 * re-created from pg_get_constraintdef, so "Invoice".storeId still references public."Store"
 * (and userId public."User") while "PaymentMethod".invoiceId references the baseline's
 * "Invoice". Every baseline row is therefore checked and indexed exactly like Kassa's.
 *
 * One baseline operation, on a connection of a pg.Pool of the benchmark's concurrency:
 *   BEGIN
 *   INSERT INTO bench_baseline."Invoice" (every column) VALUES (…)          -- 1 row
 *   INSERT INTO bench_baseline."PaymentMethod" (every column) VALUES (…)    -- 1 row, × 3
 *   COMMIT
 * i.e. six round trips and four single-row INSERTs per invoice, parameterised, no RETURNING.
 * The values are those of an invoice Kassa created in the same run (its columns copied; new
 * ids, a unique orderId, fresh timestamps), so the rows are the same size and shape.
 *
 * What Kassa's createInvoice does besides, and the baseline does not: it takes two "Address"
 * pool rows (UPDATE … FOR UPDATE SKIP LOCKED), writes the bus's "Event" rows and sometimes a
 * `wallet.refill-pool` job, parses and authorizes a GraphQL request, prices the methods and
 * answers JSON. That work is what the SPEC's 35% leaves room for.
 */
export const BASELINE_SCHEMA = 'bench_baseline';
/** The baseline pool's application_name, to tell its backends from Kassa's. */
export const BASELINE_APPLICATION = 'kassa-bench-baseline';

type Row = Record<string, unknown>;

export interface InvoiceTemplate {
  invoice: Row;
  paymentMethods: Row[];
}

/** The rows Kassa wrote for one invoice, as plain values `pg` can send back. */
export async function readInvoiceRows(db: pg.Pool, invoiceId: string): Promise<InvoiceTemplate> {
  const invoice = await db.query<Row>('SELECT * FROM public."Invoice" WHERE id = $1', [invoiceId]);
  if (invoice.rows.length !== 1) throw new Error(`invoice ${invoiceId} is not in the database`);
  const methods = await db.query<Row>(
    'SELECT * FROM public."PaymentMethod" WHERE "invoiceId" = $1 ORDER BY asset',
    [invoiceId],
  );
  return { invoice: invoice.rows[0], paymentMethods: methods.rows };
}

/** (Re)creates the baseline tables as copies of Kassa's; see the module comment. */
export async function createBaselineTables(db: pg.Pool): Promise<string[]> {
  const client = await db.connect();
  try {
    const foreignKeys = await client.query<{ table: string; name: string; definition: string }>(
      `SELECT c.conrelid::regclass::text AS table, c.conname AS name,
              pg_get_constraintdef(c.oid) AS definition
       FROM pg_constraint c
       WHERE c.contype = 'f' AND c.conrelid IN ('public."Invoice"'::regclass, 'public."PaymentMethod"'::regclass)
       ORDER BY c.conrelid::regclass::text`,
    );
    await client.query('BEGIN');
    await client.query(`DROP SCHEMA IF EXISTS ${BASELINE_SCHEMA} CASCADE`);
    await client.query(`CREATE SCHEMA ${BASELINE_SCHEMA}`);
    await client.query(`CREATE TABLE ${BASELINE_SCHEMA}."Invoice" (LIKE public."Invoice" INCLUDING ALL)`);
    await client.query(
      `CREATE TABLE ${BASELINE_SCHEMA}."PaymentMethod" (LIKE public."PaymentMethod" INCLUDING ALL)`,
    );
    // The definitions name tables unqualified ("Store", "Invoice"): resolved with the baseline
    // schema first, "Invoice" is the baseline's own and "Store"/"User" stay Kassa's.
    await client.query(`SET LOCAL search_path TO ${BASELINE_SCHEMA}, public`);
    const created: string[] = [];
    for (const fk of foreignKeys.rows) {
      const table = fk.table.replace(/^public\./, '');
      await client.query(`ALTER TABLE ${table} ADD CONSTRAINT "${fk.name}" ${fk.definition}`);
      created.push(`${table} ${fk.definition}`);
    }
    await client.query('COMMIT');
    return created;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

export async function dropBaselineTables(db: pg.Pool): Promise<void> {
  await db.query(`DROP SCHEMA IF EXISTS ${BASELINE_SCHEMA} CASCADE`);
}

/**
 * One baseline operation per call: the template invoice again, with new ids, orderId
 * `${orderPrefix}${seq}` and timestamps of now, in one transaction.
 */
export function baselineInvoiceWriter(
  pool: pg.Pool,
  template: InvoiceTemplate,
  orderPrefix: string,
): (seq: number) => Promise<void> {
  const invoiceColumns = Object.keys(template.invoice);
  const methodColumns = Object.keys(template.paymentMethods[0] ?? {});
  if (methodColumns.length === 0) throw new Error('the template invoice has no payment methods');
  const insert = (table: string, columns: string[]) =>
    `INSERT INTO ${BASELINE_SCHEMA}."${table}" (${columns.map((c) => `"${c}"`).join(', ')})
     VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`;
  const insertInvoice = insert('Invoice', invoiceColumns);
  const insertMethod = insert('PaymentMethod', methodColumns);
  const created = (template.invoice.createdAt as Date).getTime();
  const offsetOf = (column: string) => (template.invoice[column] as Date).getTime() - created;
  const expiresIn = offsetOf('expiresAt');
  const monitoringEndsIn = offsetOf('monitoringEndsAt');

  return async (seq) => {
    const now = Date.now();
    const invoice: Row = {
      ...template.invoice,
      // Kassa's invoice ids: 128 random bits, base64url.
      id: randomBytes(16).toString('base64url'),
      orderId: `${orderPrefix}${seq}`,
      expiresAt: new Date(now + expiresIn),
      monitoringEndsAt: new Date(now + monitoringEndsIn),
      createdAt: new Date(now),
      updatedAt: new Date(now),
    };
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        insertInvoice,
        invoiceColumns.map((c) => invoice[c]),
      );
      for (const method of template.paymentMethods) {
        const row: Row = { ...method, id: randomUUID(), invoiceId: invoice.id, addressId: randomUUID() };
        await client.query(
          insertMethod,
          methodColumns.map((c) => row[c]),
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };
}
