import { buildApp } from './app-builder.ts';
import { ChainsConfigError } from './chains/chains-config.ts';
import { ConfigError, loadConfig } from './config.ts';

/** Entry point: read the configuration, start the role, stop cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = buildApp(config);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.services?.log.info({ signal }, 'stopping');
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  try {
    await app.start();
  } catch (error) {
    await app.stop();
    throw error;
  }
}

main().catch((error: unknown) => {
  if (error instanceof ChainsConfigError) {
    console.error(`kassa: invalid chains configuration (KASSA_CHAINS_CONFIG): ${error.message}`);
    process.exit(2);
  }
  if (error instanceof ConfigError) {
    console.error(`kassa: invalid configuration: ${error.message}`);
    process.exit(2);
  }
  console.error('kassa: failed to start:', error);
  process.exit(1);
});
