import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../../app/services.ts';
import { ForbiddenError, KassaError, UnauthenticatedError } from '../../domain/errors.ts';
import { grants } from '../../domain/scopes.ts';
import { balancesReport } from './balances-report.ts';
import { invoicesReport } from './invoices-report.ts';
import { journalReport } from './journal-report.ts';
import { paymentsReport } from './payments-report.ts';
import type { ReportContext } from './report-context.ts';
import { parseReportParams } from './report-params.ts';
import { type CsvQuery, streamCsv } from './stream-csv.ts';

const REPORTS: Record<string, (ctx: ReportContext) => CsvQuery<never>> = {
  '/reports/journal.csv': journalReport,
  '/reports/balances.csv': balancesReport,
  '/reports/invoices.csv': invoicesReport,
  '/reports/payments.csv': paymentsReport,
};

/** Exports running at once per process: each holds a pooled connection for its whole length. */
const MAX_CONCURRENT_EXPORTS = 2;

/**
 * GET /reports/{journal,balances,invoices,payments}.csv for a store API key with `ledger:read`
 * (`Authorization: Bearer <key>`; user tokens are refused: these are the store's books).
 * Query parameters: from, to, as_of (balances), asset, user_id. Returns the route label.
 */
export function createReportHandler(services: Services) {
  let running = 0;
  return async function serveReport(req: IncomingMessage, res: ServerResponse): Promise<string> {
    const url = new URL(req.url ?? '/', 'http://kassa.invalid');
    const report = REPORTS[url.pathname];
    if (!report) return sendError(res, 404, 'NOT_FOUND', `no report at ${url.pathname}`);
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      return sendError(res, 405, 'VALIDATION', 'reports are read with GET');
    }
    let ctx: ReportContext;
    try {
      const auth = await services.authenticator.authenticate(req.headers.authorization);
      if (auth.kind === 'anonymous') throw new UnauthenticatedError('a report needs a store API key');
      if (auth.kind !== 'apiKey') throw new ForbiddenError('reports are for store API keys, not user tokens');
      if (!grants(auth.scopes, 'ledger:read')) throw new ForbiddenError('this needs the ledger:read scope');
      ctx = {
        storeId: auth.storeId,
        params: parseReportParams(url.searchParams, services.now()),
        decimalsOf: (asset) => services.chains.assets[asset]?.decimals,
      };
    } catch (error) {
      if (!(error instanceof KassaError)) throw error;
      const status = error.code === 'UNAUTHENTICATED' ? 401 : error.code === 'FORBIDDEN' ? 403 : 400;
      if (status === 401) res.setHeader('www-authenticate', 'Bearer');
      return sendError(res, status, error.code, error.shortMessage);
    }
    if (running >= MAX_CONCURRENT_EXPORTS) {
      res.setHeader('retry-after', '5');
      return sendError(res, 503, 'RATE_LIMITED', 'other exports are running; retry shortly');
    }
    running++;
    try {
      const name = url.pathname.slice('/reports/'.length, -'.csv'.length);
      res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8; header=present',
        'content-disposition': `attachment; filename="kassa-${name}-${services.now().toISOString().slice(0, 10)}.csv"`,
        'cache-control': 'no-store',
      });
      await streamCsv(services.db.pool, res, report(ctx));
    } finally {
      running--;
    }
    return 'report';
  };
}

function sendError(res: ServerResponse, status: number, code: string, message: string): string {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ error: { code, message } }));
  return 'report';
}
