import { type Network, Psbt, type Transaction } from 'bitcoinjs-lib';
import type { SimulatorKey } from './keys.ts';
import type { Coin } from './utxo-set.ts';

/**
 * Builds and signs the simulator's own payments with bitcoinjs Psbt, the way a wallet would:
 * coin selection, fee from an estimated vsize, change back to the simulator's key.
 */

/** A coin the simulator's key can spend. */
export interface WalletCoin {
  txid: string;
  vout: number;
  coin: Coin;
  /** The whole previous transaction: P2PKH inputs sign over it (Psbt's nonWitnessUtxo). */
  prevTx?: Uint8Array;
}

export interface TxOutputSpec {
  script: Uint8Array;
  value: bigint;
}

export interface TxPlan {
  inputs: WalletCoin[];
  outputs: TxOutputSpec[];
  /** 0xfffffffd signals BIP125 replaceability; 0xfffffffe does not (and enables nLockTime). */
  sequence: number;
  locktime: number;
}

/** nSequence of a replaceable input (BIP125) and of a final, non-replaceable one (Core's wallet). */
export const SEQUENCE_RBF = 0xfffffffd;
export const SEQUENCE_NO_RBF = 0xfffffffe;

export function signPlan(key: SimulatorKey, plan: TxPlan, network: Network, segwit: boolean): Transaction {
  const psbt = new Psbt({ network });
  psbt.setVersion(2);
  psbt.setLocktime(plan.locktime);
  for (const input of plan.inputs) {
    if (segwit) {
      psbt.addInput({
        hash: input.txid,
        index: input.vout,
        sequence: plan.sequence,
        witnessUtxo: { script: input.coin.script, value: input.coin.value },
      });
    } else {
      if (!input.prevTx)
        throw new Error(`legacy input ${input.txid}:${input.vout} needs its previous transaction`);
      psbt.addInput({
        hash: input.txid,
        index: input.vout,
        sequence: plan.sequence,
        nonWitnessUtxo: input.prevTx,
      });
    }
  }
  for (const output of plan.outputs) psbt.addOutput({ script: output.script, value: output.value });
  plan.inputs.forEach((_, i) => {
    psbt.signInput(i, key.signer);
  });
  psbt.finalizeAllInputs();
  // The fee ceiling is the mempool's to enforce (maxfeerate), not the signer's.
  return psbt.extractTransaction(true);
}

/** Virtual size of a transaction spending `inputs` of the key's type to `outputScripts`, before signing. */
export function estimateVsize(inputs: number, outputScripts: readonly Uint8Array[], segwit: boolean): number {
  const outputs = outputScripts.reduce((sum, s) => sum + 8 + varintLength(s.length) + s.length, 0);
  const overhead = 4 + 4 + varintLength(inputs) + varintLength(outputScripts.length);
  if (!segwit) return overhead + outputs + inputs * 148; // outpoint, sequence, scriptSig <sig> <pubkey>
  // Each P2WPKH input: 41 base bytes, witness items count + <sig ≤72> + <pubkey 33> = 108 weight.
  const weight = 4 * (overhead + outputs + inputs * 41) + 2 + inputs * 108;
  return Math.ceil(weight / 4);
}

function varintLength(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : 5;
}

/** Outputs worth less than this are not created; the value goes to the fee instead (dust). */
export function dustLimit(segwit: boolean): bigint {
  return segwit ? 294n : 546n;
}

/**
 * Picks coins in the given order until they pay `amount` plus the fee of spending them, adding a
 * change output unless it would be dust. `feeFor(inputs, withChange)` prices a candidate.
 */
export function planPayment(
  candidates: readonly WalletCoin[],
  outputs: readonly TxOutputSpec[],
  changeScript: Uint8Array,
  feeFor: (inputs: number, scripts: Uint8Array[]) => bigint,
  dust: bigint,
): { inputs: WalletCoin[]; outputs: TxOutputSpec[]; fee: bigint; changeIndex: number | undefined } {
  const amount = outputs.reduce((sum, o) => sum + o.value, 0n);
  const scripts = outputs.map((o) => o.script);
  const inputs: WalletCoin[] = [];
  let total = 0n;
  for (const candidate of candidates) {
    inputs.push(candidate);
    total += candidate.coin.value;
    const feeWithChange = feeFor(inputs.length, [...scripts, changeScript]);
    if (total >= amount + feeWithChange + dust) {
      const change = total - amount - feeWithChange;
      return {
        inputs,
        outputs: [...outputs, { script: changeScript, value: change }],
        fee: feeWithChange,
        changeIndex: outputs.length,
      };
    }
    const feeNoChange = feeFor(inputs.length, scripts);
    if (total >= amount + feeNoChange) {
      return { inputs, outputs: [...outputs], fee: total - amount, changeIndex: undefined };
    }
  }
  throw new Error(
    `simulator wallet cannot pay ${amount} sats: ${total} sats in ${inputs.length} mature confirmed coins; mine() more blocks`,
  );
}
