import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Abi } from 'viem';
import {
  TEST_TOKEN_SOURCE_PATH,
  type TestTokenArtifact,
} from '../../../src/dev-chain/test-token-artifact.ts';

export {
  TEST_TOKEN_ARTIFACT_PATH,
  TEST_TOKEN_SOURCE_PATH,
  type TestTokenArtifact,
} from '../../../src/dev-chain/test-token-artifact.ts';

export class SolidityCompileError extends Error {
  override name = 'SolidityCompileError';
}

// Fixed settings: the same source always compiles to the same bytecode (metadata hash included),
// which is what lets a test catch an artifact that no longer matches its source.
const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
};

interface SolcOutput {
  errors?: { severity: 'error' | 'warning' | 'info'; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
}

/**
 * Compiles TestToken.sol with the solc npm package (solc-js, WebAssembly; ~1-2 s, no download).
 * @example const artifact = compileTestToken(); // { contractName: 'TestToken', abi, bytecode, ... }
 */
export function compileTestToken(): TestTokenArtifact {
  // solc is CommonJS and a dev dependency: loaded only when a compile is asked for.
  const solc = createRequire(import.meta.url)('solc') as {
    compile(input: string): string;
    version(): string;
  };
  const input = {
    language: 'Solidity',
    sources: { 'TestToken.sol': { content: readFileSync(TEST_TOKEN_SOURCE_PATH, 'utf8') } },
    settings: SETTINGS,
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new SolidityCompileError(errors.map((e) => e.formattedMessage).join('\n'));
  const contract = output.contracts?.['TestToken.sol']?.TestToken;
  if (!contract) throw new SolidityCompileError('solc produced no TestToken contract');
  return {
    contractName: 'TestToken',
    compiler: solc.version(),
    abi: contract.abi,
    bytecode: `0x${contract.evm.bytecode.object}`,
  };
}
