// Kassa as a worker process only (KASSA_ROLE=worker: jobs, chain watchers; no HTTP server), the
// same wiring as src/main.ts, for benchmarks of the watchers. The database comes from
// DATABASE_URL as the parent chose it. A worker listens on nothing, so once started it prints
// {"port": 0} (the signal bench/support/child-server.ts waits for); stops cleanly on SIGTERM.
import { buildApp } from '../../../src/app-builder.ts';
import { loadConfig } from '../../../src/config.ts';

const app = buildApp(
  loadConfig({
    ...process.env,
    KASSA_ROLE: 'worker',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  }),
);

process.once('SIGTERM', () => {
  app.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});

try {
  await app.start();
  process.stdout.write(`${JSON.stringify({ port: 0 })}\n`);
} catch (error) {
  console.error('kassa bench worker failed to start:', error);
  await app.stop();
  process.exit(1);
}
