import type { ChainsConfig } from '../chains/chains-config.ts';
import type { Tx } from '../db/client.ts';

/**
 * Gives a closed invoice's addresses back. EVM: the address serves the next invoice (payments
 * are matched by address and time window). UTXO: an address that never received a payment goes
 * back to the pool, so a wallet following the xpub never sees more unused addresses than its gap
 * limit; one that received anything stays USED (watched, never handed out again).
 */
export async function releaseInvoiceAddresses(
  tx: Tx,
  chains: ChainsConfig,
  invoiceId: string,
): Promise<void> {
  const held = await tx.address.findMany({ where: { invoiceId, state: 'INVOICE' } });
  for (const address of held) {
    const evm = chains.chains[address.chain]?.family === 'evm';
    const paid = evm ? 0 : await tx.payment.count({ where: { invoiceId, address: address.address } });
    await tx.address.update({
      where: { id: address.id },
      data: paid > 0 ? { state: 'USED' } : { state: 'FREE', invoiceId: null, allocatedAt: null },
    });
  }
}
