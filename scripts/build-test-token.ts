/**
 * Compiles src/dev-chain/contracts/TestToken.sol and writes TestToken.json (abi + bytecode) next
 * to it, so the dev chain and the tests deploy the token without compiling (solc is a dev
 * dependency). Run after editing the source:
 *   node scripts/build-test-token.ts
 * A test recompiles and compares, so a stale artifact fails CI.
 */
import { writeFileSync } from 'node:fs';
import { compileTestToken, TEST_TOKEN_ARTIFACT_PATH } from '../test/support/contracts/compile-test-token.ts';

const artifact = compileTestToken();
writeFileSync(TEST_TOKEN_ARTIFACT_PATH, `${JSON.stringify(artifact, null, 2)}\n`);
console.log(`wrote ${TEST_TOKEN_ARTIFACT_PATH} (${(artifact.bytecode.length - 2) / 2} bytes of bytecode)`);
