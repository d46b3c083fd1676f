/**
 * Operator commands: `npm run kassa -- <command>`.
 *   init [--name NAME]                 first store and its admin key (if there is no store yet)
 *   create-store --name NAME           another store with its own admin key
 *   create-api-key --store ID [--scopes a,b] [--label L]   a key for an existing store
 *   migrate                            apply pending migrations and exit
 *   pay INVOICE_ID [--asset A] [--amount X]   pay on the local dev chain from anvil's account 0
 * Uses DATABASE_URL, or the embedded Postgres under KASSA_DATA_DIR like `npm start`.
 */
import { parseArgs } from 'node:util';
import { createApiKey } from './app/create-api-key.ts';
import { createStore } from './app/create-store.ts';
import { ensureFirstStore } from './app/ensure-first-store.ts';
import { ConfigError, loadConfig } from './config.ts';
import { connectDatabase } from './db/client.ts';
import { startEmbeddedPostgres } from './db/embedded-postgres.ts';
import { applyMigrations } from './db/migrate.ts';
import { PayCommandError, payInvoice } from './dev-chain/pay-invoice.ts';
import { formatUnits } from './domain/decimal-units.ts';
import { KassaError } from './domain/errors.ts';

const USAGE = `usage: npm run kassa -- <init|create-store|create-api-key|migrate|pay> [options]
  init [--name NAME]
  create-store --name NAME
  create-api-key --store STORE_ID [--scopes admin] [--label LABEL]
  migrate
  pay INVOICE_ID [--asset ETH|USDT_ETH] [--amount X]   (dev chain only; X in whole units, default: what remains due)`;

const COMMANDS = ['init', 'create-store', 'create-api-key', 'migrate', 'pay'];

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: command === 'pay',
    options: {
      name: { type: 'string' },
      store: { type: 'string' },
      scopes: { type: 'string' },
      label: { type: 'string' },
      asset: { type: 'string' },
      amount: { type: 'string' },
    },
  });
  if (!command || !COMMANDS.includes(command) || (command === 'pay' && positionals.length !== 1)) {
    console.error(USAGE);
    return 64;
  }
  const config = loadConfig();
  let url = config.databaseUrl;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!url) {
    const embedded = await startEmbeddedPostgres({ dataDir: `${config.dataDir}/pg` });
    url = embedded.url;
    stopEmbedded = embedded.stop;
  }
  try {
    await applyMigrations(url, { log: (m) => console.error(m) });
    if (command === 'migrate') return 0;
    const db = connectDatabase(url, 2);
    try {
      if (command === 'pay') {
        const paid = await payInvoice(db.prisma, config.dataDir, {
          invoiceId: positionals[0],
          asset: values.asset,
          amount: values.amount,
        });
        console.error(
          `sent ${formatUnits(paid.amount, paid.decimals)} ${paid.asset} from ${paid.from} to ${paid.to} ` +
            `(invoice was ${paid.invoiceStatus}); the checkout page follows it as it confirms`,
        );
        console.log(paid.txid);
      } else if (command === 'init') {
        const created = await ensureFirstStore(db.prisma, values.name ?? 'My store');
        if (!created) {
          console.error('kassa: a store exists already; use create-store or create-api-key');
          return 1;
        }
        printKey(created.store.id, created.apiKey.secret);
      } else if (command === 'create-store') {
        if (!values.name) throw new Error('create-store needs --name');
        const created = await createStore(db.prisma, { name: values.name });
        printKey(created.store.id, created.apiKey.secret);
      } else {
        if (!values.store) throw new Error('create-api-key needs --store');
        const store = await db.prisma.store.findUnique({ where: { id: values.store } });
        if (!store) throw new Error(`no store ${values.store}`);
        const scopes = (values.scopes ?? 'admin').split(',').map((s) => s.trim());
        const created = await createApiKey(db.prisma, store.id, {
          label: values.label ?? 'created by kassa cli',
          scopes,
        });
        printKey(store.id, created.secret);
      }
      return 0;
    } finally {
      await db.close();
    }
  } finally {
    await stopEmbedded?.();
  }
}

function printKey(storeId: string, secret: string): void {
  console.log(`store:   ${storeId}`);
  console.log(`api key: ${secret}`);
  console.log('The key is shown only this once. Send it as "Authorization: Bearer <key>".');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) console.error(`kassa: invalid configuration: ${error.message}`);
    else if (error instanceof PayCommandError) console.error(`kassa pay: ${error.message}`);
    else if (error instanceof KassaError) console.error(`kassa: ${error.shortMessage}`);
    else console.error(`kassa: ${(error as Error).message}`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
