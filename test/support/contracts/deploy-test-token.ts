/**
 * The TestToken lives in src/dev-chain (the local dev chain deploys it too); tests keep
 * importing it from here.
 */
export { deployTestToken, TEST_TOKEN_SUPPLY } from '../../../src/dev-chain/deploy-test-token.ts';
export { testTokenArtifact } from '../../../src/dev-chain/test-token-artifact.ts';
