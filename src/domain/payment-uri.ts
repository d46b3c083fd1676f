import { formatUnits } from './decimal-units.ts';
import { ValidationError } from './errors.ts';

/**
 * Payment request URIs that wallets open from a QR code or a link: BIP21 for bitcoin-like chains,
 * EIP-681 for Ethereum and EVM chains. Amounts are written from bigint without an exponent:
 * both specs allow scientific notation, but wallets disagree on parsing it.
 */

export type Bip21Scheme = 'bitcoin' | 'litecoin' | 'bitcoincash' | 'dogecoin';

// Base58, bech32 and cashaddr payloads are all alphanumeric: anything else would need escaping
// and is a sign the address came from the wrong place.
const ADDRESS_PAYLOAD = /^[A-Za-z0-9]+$/;
const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const MAX_UINT256 = 2n ** 256n - 1n;

/**
 * A BIP21 URI. The amount (omitted for a reusable deposit address) is written in whole coins.
 * Bitcoin Cash cashaddr strings already carry their prefix (`bitcoincash:`, `bchtest:`, ...),
 * which is the URI scheme itself, so it is used as is and never doubled.
 *
 * @example
 * bip21Uri({ scheme: 'bitcoin', address: '175tWpb8K1S7NmH4Zx6rewF9WQrcZv245W', amount: 5000000000n,
 *   decimals: 8, label: 'Luke-Jr', message: 'Donation for project xyz' });
 * // "bitcoin:175tWpb8K1S7NmH4Zx6rewF9WQrcZv245W?amount=50&label=Luke-Jr&message=Donation%20for%20project%20xyz"
 * bip21Uri({ scheme: 'bitcoincash', address: 'bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a',
 *   amount: 1000n, decimals: 8 }); // "bitcoincash:qpm2...dx6a?amount=0.00001"
 */
export function bip21Uri(input: {
  scheme: Bip21Scheme;
  address: string;
  amount?: bigint;
  decimals: number;
  label?: string;
  message?: string;
}): string {
  const carriesScheme = bip21AddressCarriesScheme(input.scheme, input.address);
  const { before, after } = bip21Parts({ ...input, addressCarriesScheme: carriesScheme });
  return `${before}${input.address}${after}`;
}

/**
 * A payment URI cut around its address, for a write that only learns the address in the
 * database: `before + address + after` is the URI. One address appears once in every URI here.
 */
export interface UriParts {
  before: string;
  after: string;
}

/**
 * bip21Uri without the address. `addressCarriesScheme`: the address is a cashaddr with its
 * prefix (`bitcoincash:q…`), which is then the whole scheme part.
 *
 * @example
 * bip21Parts({ scheme: 'bitcoin', amount: 150000n, decimals: 8, label: 'Shop' });
 * // { before: 'bitcoin:', after: '?amount=0.0015&label=Shop' }
 */
export function bip21Parts(input: {
  scheme: Bip21Scheme;
  addressCarriesScheme?: boolean;
  amount?: bigint;
  decimals: number;
  label?: string;
  message?: string;
}): UriParts {
  const params: string[] = [];
  if (input.amount !== undefined) {
    if (input.amount <= 0n) throw new ValidationError('amount', 'must be greater than 0');
    params.push(`amount=${formatUnits(input.amount, input.decimals)}`);
  }
  if (input.label) params.push(`label=${encodeURIComponent(input.label)}`);
  if (input.message) params.push(`message=${encodeURIComponent(input.message)}`);
  return {
    before: input.addressCarriesScheme ? '' : `${input.scheme}:`,
    after: params.length > 0 ? `?${params.join('&')}` : '',
  };
}

/**
 * An EIP-681 URI: a native transfer of `amount` wei to `to`, or, with `token`, a call of the
 * ERC-20 `transfer(address,uint256)` on the token contract. The chain id is always written so a
 * wallet on another network does not pay on the wrong chain.
 *
 * @example
 * eip681Uri({ chainId: 1, to: '0xfb6916095ca1df60bb79Ce92ce3ea74c37c5d359', amount: 2014000000000000000n });
 * // "ethereum:0xfb6916095ca1df60bb79Ce92ce3ea74c37c5d359@1?value=2014000000000000000"
 * eip681Uri({ chainId: 1, to: '0x8e23ee67d1332ad560396262c48ffbb01f93d052', amount: 1n,
 *   token: '0x89205a3a3b2a69de6dbf7f01ed13b2108b2c43e7' });
 * // "ethereum:0x89205a3a3b2a69de6dbf7f01ed13b2108b2c43e7@1/transfer?address=0x8e23ee67d1332ad560396262c48ffbb01f93d052&uint256=1"
 */
export function eip681Uri(input: { chainId: number; to: string; amount?: bigint; token?: string }): string {
  evmAddress(input.to, 'to');
  const { before, after } = eip681Parts(input);
  return `${before}${input.to}${after}`;
}

/**
 * eip681Uri without the recipient address.
 *
 * @example
 * eip681Parts({ chainId: 1, amount: 5n });
 * // { before: 'ethereum:', after: '@1?value=5' }
 */
export function eip681Parts(input: { chainId: number; amount?: bigint; token?: string }): UriParts {
  if (!Number.isSafeInteger(input.chainId) || input.chainId <= 0)
    throw new ValidationError('chainId', 'must be a positive integer');
  if (input.amount !== undefined && (input.amount < 0n || input.amount > MAX_UINT256))
    throw new ValidationError('amount', 'must be from 0 to 2^256 - 1');
  if (input.token === undefined)
    return {
      before: 'ethereum:',
      after: `@${input.chainId}${input.amount === undefined ? '' : `?value=${input.amount}`}`,
    };
  evmAddress(input.token, 'token');
  return {
    before: `ethereum:${input.token}@${input.chainId}/transfer?address=`,
    after: input.amount === undefined ? '' : `&uint256=${input.amount}`,
  };
}

/** Checks a BIP21 address; true when it is a cashaddr that carries its own prefix. */
function bip21AddressCarriesScheme(scheme: Bip21Scheme, address: string): boolean {
  const colon = address.indexOf(':');
  if (colon === -1) {
    if (!ADDRESS_PAYLOAD.test(address)) throw new ValidationError('address', 'is not a valid address');
    return false;
  }
  // Only cashaddr carries a prefix; its own prefix (bitcoincash, bchtest, bchreg) is the scheme.
  // Kept as written: cashaddr may be all upper case (denser QR codes) but never mixed case.
  const prefix = address.slice(0, colon).toLowerCase();
  const payload = address.slice(colon + 1);
  const cashaddr = scheme === 'bitcoincash' && /^(bitcoincash|bchtest|bchreg)$/.test(prefix);
  if ((!cashaddr && prefix !== scheme) || !ADDRESS_PAYLOAD.test(payload))
    throw new ValidationError('address', `is not a valid ${scheme} address`);
  return true;
}

function evmAddress(value: string, field: string): void {
  if (!EVM_ADDRESS.test(value))
    throw new ValidationError(field, 'must be a 0x-prefixed 20-byte hex address', { value });
}
