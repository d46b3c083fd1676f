import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.ts';
import { bip21Uri, eip681Uri } from './payment-uri.ts';

describe('bip21Uri', () => {
  // Examples from BIP 21 itself.
  it('writes the BIP 21 examples', () => {
    const address = '175tWpb8K1S7NmH4Zx6rewF9WQrcZv245W';
    expect(bip21Uri({ scheme: 'bitcoin', address, decimals: 8 })).toBe(`bitcoin:${address}`);
    expect(bip21Uri({ scheme: 'bitcoin', address, decimals: 8, label: 'Luke-Jr' })).toBe(
      `bitcoin:${address}?label=Luke-Jr`,
    );
    expect(
      bip21Uri({ scheme: 'bitcoin', address, amount: 2_030_000_000n, decimals: 8, label: 'Luke-Jr' }),
    ).toBe(`bitcoin:${address}?amount=20.3&label=Luke-Jr`);
    expect(
      bip21Uri({
        scheme: 'bitcoin',
        address,
        amount: 5_000_000_000n,
        decimals: 8,
        label: 'Luke-Jr',
        message: 'Donation for project xyz',
      }),
    ).toBe(`bitcoin:${address}?amount=50&label=Luke-Jr&message=Donation%20for%20project%20xyz`);
  });

  it('writes tiny amounts without an exponent', () => {
    const uri = bip21Uri({
      scheme: 'bitcoin',
      address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
      amount: 1n,
      decimals: 8,
    });
    expect(uri).toBe('bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?amount=0.00000001');
  });

  it('percent-encodes label and message so they cannot add parameters', () => {
    const uri = bip21Uri({
      scheme: 'litecoin',
      address: 'ltc1qg82tn0ddfqlwz2xj6sq5lnq2r6qh5ftk6gn9n2',
      decimals: 8,
      label: 'Café & Co',
      message: 'order=42?',
    });
    expect(uri).toBe(
      'litecoin:ltc1qg82tn0ddfqlwz2xj6sq5lnq2r6qh5ftk6gn9n2?label=Caf%C3%A9%20%26%20Co&message=order%3D42%3F',
    );
  });

  it('does not double a cashaddr prefix, and adds it when missing', () => {
    const payload = 'qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a';
    const expected = `bitcoincash:${payload}?amount=0.00001`;
    expect(
      bip21Uri({ scheme: 'bitcoincash', address: `bitcoincash:${payload}`, amount: 1000n, decimals: 8 }),
    ).toBe(expected);
    expect(bip21Uri({ scheme: 'bitcoincash', address: payload, amount: 1000n, decimals: 8 })).toBe(expected);
    expect(bip21Uri({ scheme: 'bitcoincash', address: `bchtest:${payload}`, decimals: 8 })).toBe(
      `bchtest:${payload}`,
    );
    expect(
      bip21Uri({ scheme: 'bitcoincash', address: `BITCOINCASH:${payload.toUpperCase()}`, decimals: 8 }),
    ).toBe(`BITCOINCASH:${payload.toUpperCase()}`);
  });

  it('writes Dogecoin amounts in whole coins', () => {
    expect(
      bip21Uri({
        scheme: 'dogecoin',
        address: 'DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L',
        amount: 4_200_000_000n,
        decimals: 8,
      }),
    ).toBe('dogecoin:DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L?amount=42');
  });

  it.each([
    ['bitcoin', 'bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a'],
    ['bitcoin', 'bc1q ar0s'],
    ['bitcoin', 'bc1q?amount=1000'],
    ['bitcoin', ''],
    ['bitcoincash', 'ethereum:0xabc'],
  ] as const)('refuses %s address %j', (scheme, address) => {
    expect(() => bip21Uri({ scheme, address, decimals: 8 })).toThrow(ValidationError);
  });

  it('refuses an amount of 0 or less (omit it instead)', () => {
    expect(() => bip21Uri({ scheme: 'bitcoin', address: 'bc1qxyz', amount: 0n, decimals: 8 })).toThrow(
      'amount: must be greater than 0',
    );
  });
});

describe('eip681Uri', () => {
  // Examples from EIP-681, written with a chain id and integer amounts.
  it('writes a native transfer in wei', () => {
    expect(
      eip681Uri({
        chainId: 1,
        to: '0xfb6916095ca1df60bb79Ce92ce3ea74c37c5d359',
        amount: 2_014_000_000_000_000_000n,
      }),
    ).toBe('ethereum:0xfb6916095ca1df60bb79Ce92ce3ea74c37c5d359@1?value=2014000000000000000');
  });

  it('writes an ERC-20 transfer call on the token contract', () => {
    expect(
      eip681Uri({
        chainId: 1,
        to: '0x8e23ee67d1332ad560396262c48ffbb01f93d052',
        amount: 1n,
        token: '0x89205a3a3b2a69de6dbf7f01ed13b2108b2c43e7',
      }),
    ).toBe(
      'ethereum:0x89205a3a3b2a69de6dbf7f01ed13b2108b2c43e7@1/transfer?address=0x8e23ee67d1332ad560396262c48ffbb01f93d052&uint256=1',
    );
  });

  it('writes requests without an amount for deposit addresses, on other chains', () => {
    const to = '0x8e23ee67d1332ad560396262c48ffbb01f93d052';
    expect(eip681Uri({ chainId: 137, to })).toBe(`ethereum:${to}@137`);
    expect(eip681Uri({ chainId: 8453, to, token: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913' })).toBe(
      `ethereum:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913@8453/transfer?address=${to}`,
    );
  });

  it('writes amounts of 78 digits exactly', () => {
    const max = 2n ** 256n - 1n;
    expect(eip681Uri({ chainId: 1, to: '0x8e23ee67d1332ad560396262c48ffbb01f93d052', amount: max })).toBe(
      `ethereum:0x8e23ee67d1332ad560396262c48ffbb01f93d052@1?value=${max}`,
    );
  });

  it.each([
    [{ chainId: 0, to: '0x8e23ee67d1332ad560396262c48ffbb01f93d052' }, 'chainId'],
    [{ chainId: 1.5, to: '0x8e23ee67d1332ad560396262c48ffbb01f93d052' }, 'chainId'],
    [{ chainId: 1, to: '0x8e23ee67d1332ad560396262c48ffbb01f93d05' }, 'to'],
    [{ chainId: 1, to: 'vitalik.eth' }, 'to'],
    [{ chainId: 1, to: '0x8e23ee67d1332ad560396262c48ffbb01f93d052', token: '0x12' }, 'token'],
    [{ chainId: 1, to: '0x8e23ee67d1332ad560396262c48ffbb01f93d052', amount: -1n }, 'amount'],
    [{ chainId: 1, to: '0x8e23ee67d1332ad560396262c48ffbb01f93d052', amount: 2n ** 256n }, 'amount'],
  ])('refuses %o (field %s)', (input, field) => {
    try {
      eip681Uri(input);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details.field).toBe(field);
    }
  });
});
