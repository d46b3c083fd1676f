import { readFileSync } from 'node:fs';
import type { Abi, Hex } from 'viem';

/**
 * The compiled TestToken ("Test Tether", USDT, 6 decimals): the ERC-20 the local dev chain
 * deploys as its stablecoin, and the tests' too. contracts/TestToken.json is built from
 * contracts/TestToken.sol by `node scripts/build-test-token.ts` (solc is a dev dependency, so
 * production only reads the committed artifact); a test recompiles and compares.
 */
export interface TestTokenArtifact {
  contractName: 'TestToken';
  /** solc's full version string, e.g. 0.8.37+commit.f401782d.Emscripten.clang. */
  compiler: string;
  abi: Abi;
  /** Creation bytecode (the constructor takes the supply). */
  bytecode: Hex;
}

export const TEST_TOKEN_SOURCE_PATH = new URL('./contracts/TestToken.sol', import.meta.url).pathname;
export const TEST_TOKEN_ARTIFACT_PATH = new URL('./contracts/TestToken.json', import.meta.url).pathname;

let artifact: TestTokenArtifact | undefined;

/** The committed TestToken.json, read once. */
export function testTokenArtifact(): TestTokenArtifact {
  artifact ??= JSON.parse(readFileSync(TEST_TOKEN_ARTIFACT_PATH, 'utf8')) as TestTokenArtifact;
  return artifact;
}
