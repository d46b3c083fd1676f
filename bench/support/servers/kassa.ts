// Kassa's full server (the same wiring as src/main.ts) for benchmarks. The database comes from
// DATABASE_URL as the parent chose it (see bench/support/database.ts); unset means Kassa starts
// its embedded Postgres. Prints {"port": n} once listening; stops cleanly on SIGTERM.
import { buildApp } from '../../../src/app-builder.ts';
import { loadConfig } from '../../../src/config.ts';

const app = buildApp(
  loadConfig({
    ...process.env,
    PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // Every benchmark request comes from 127.0.0.1, one anonymous caller: the limiter must
    // still run (it is part of the cost) but never refuse. 10,000,000 is the config's maximum.
    KASSA_RATE_LIMIT_PER_MINUTE: '10000000',
  }),
);

process.once('SIGTERM', () => {
  app.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});

try {
  const { port } = await app.start();
  process.stdout.write(`${JSON.stringify({ port })}\n`);
} catch (error) {
  console.error('kassa bench server failed to start:', error);
  await app.stop();
  process.exit(1);
}
