import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * What a running Kassa tells other processes about its dev chain (where its node answers, the
 * token it deployed), in `<KASSA_DATA_DIR>/dev-chain/dev-chain.json`: `kassa pay` reads it.
 */
export interface DevChainFile {
  rpcUrl: string;
  chainId: number;
  /** The TestToken (USDT_ETH) contract. */
  token: string;
  genesisHash: string;
}

export function devChainDir(dataDir: string): string {
  return join(dataDir, 'dev-chain');
}

export function devChainFilePath(dataDir: string): string {
  return join(devChainDir(dataDir), 'dev-chain.json');
}

/** The file, or undefined when there is none (the dev chain never ran here). */
export function readDevChainFile(dataDir: string): DevChainFile | undefined {
  let text: string;
  try {
    text = readFileSync(devChainFilePath(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text) as DevChainFile;
}

/** Written whole then renamed, so a reader never sees half a file. */
export function writeDevChainFile(dataDir: string, file: DevChainFile): void {
  const path = devChainFilePath(dataDir);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(file, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}
