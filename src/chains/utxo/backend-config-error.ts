/**
 * The node refused Kassa for a reason retrying will not fix: wrong credentials, a forbidden
 * client address, a URL that points at something else, an address of another network. The
 * watcher stops and says so instead of retrying forever behind a NodeUnavailableError.
 *
 * @example
 * throw new BackendConfigError('bitcoind at http://127.0.0.1:8332/ refused the credentials (HTTP 401)');
 */
export class BackendConfigError extends Error {
  override name = 'BackendConfigError';
}
