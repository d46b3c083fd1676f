/**
 * Generates the Prisma client (and its Pothos types) after `npm install`.
 *
 * `prisma generate` needs no schema engine, yet the CLI tries to download one unless
 * PRISMA_SCHEMA_ENGINE_BINARY names an existing file; offline installs would fail there. We
 * point it at this Node binary when the variable is unset: generate never executes it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let cli: string;
try {
  cli = require.resolve('prisma/build/index.js');
} catch {
  // A production install without dev dependencies uses the client generated at build time.
  if (!existsSync(new URL('../src/db/generated/prisma/client.ts', import.meta.url))) {
    console.error('kassa: the Prisma client is not generated and the prisma CLI is not installed');
    process.exit(1);
  }
  process.exit(0);
}
const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
// The generators (prisma-pothos-types) are found on PATH, as under `npm run`.
env.PATH = `${new URL('../node_modules/.bin', import.meta.url).pathname}:${env.PATH ?? ''}`;
const result = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
