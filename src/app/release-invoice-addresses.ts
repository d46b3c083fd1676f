import type { ChainsConfig } from '../chains/chains-config.ts';
import type { Tx } from '../db/client.ts';

/**
 * Gives a closed invoice's addresses back. EVM: the address serves the next invoice (payments
 * are matched by address and time window). UTXO: only the address of an invoice that expired
 * unpaid and left its monitoring window (`expiredUnpaid`) goes back to the pool, so a wallet
 * following the xpub never sees more unused addresses than its gap limit; any other address
 * (paid, or of an invoice settled or invalidated by hand) stays USED: watched, never handed out
 * again, so a late payment to it can never land on someone else's invoice.
 */
export async function releaseInvoiceAddresses(
  tx: Tx,
  chains: ChainsConfig,
  invoiceId: string,
  expiredUnpaid: boolean,
): Promise<void> {
  const held = await tx.address.findMany({ where: { invoiceId, state: 'INVOICE' } });
  for (const address of held) {
    const evm = chains.chains[address.chain]?.family === 'evm';
    const reusable =
      evm ||
      (expiredUnpaid && (await tx.payment.count({ where: { invoiceId, address: address.address } })) === 0);
    await tx.address.update({
      where: { id: address.id },
      data: reusable ? { state: 'FREE', invoiceId: null, allocatedAt: null } : { state: 'USED' },
    });
  }
}
