/**
 * BIP32 extended-key version bytes: BIP32's own (xpub, tpub), the chains' reference nodes'
 * (dgub) and SLIP-132's (ypub, zpub, Ltub, ...). A version is only a label that wallets put on a
 * key, but it is the one hint a pasted key carries about its network and script type.
 */

/** p2pkh: BIP44 legacy; p2sh-p2wpkh: BIP49 nested segwit; p2wpkh: BIP84; p2tr: BIP86 key-path taproot. */
export type ScriptType = 'p2pkh' | 'p2sh-p2wpkh' | 'p2wpkh' | 'p2tr';

export interface ExtendedKeyVersion {
  /** What the serialized key starts with, e.g. `zpub`. */
  prefix: string;
  public: number;
  privatePrefix: string;
  private: number;
  /** The script type the version announces, used when the caller names none. */
  scriptType: ScriptType;
  /**
   * Plain BIP32 versions (xpub, tpub, Ltub, dgub) say nothing binding about scripts: wallets
   * export them for BIP84 and BIP86 accounts too, so the caller may choose another script type.
   * SLIP-132 ones (ypub, zpub, ...) name their script type and may not be overridden.
   */
  generic: boolean;
}

const v = (
  prefix: string,
  pub: number,
  privatePrefix: string,
  priv: number,
  scriptType: ScriptType,
  generic = false,
): ExtendedKeyVersion =>
  Object.freeze({ prefix, public: pub, privatePrefix, private: priv, scriptType, generic });

export const XPUB = v('xpub', 0x0488b21e, 'xprv', 0x0488ade4, 'p2pkh', true);
export const YPUB = v('ypub', 0x049d7cb2, 'yprv', 0x049d7878, 'p2sh-p2wpkh');
export const ZPUB = v('zpub', 0x04b24746, 'zprv', 0x04b2430c, 'p2wpkh');
export const TPUB = v('tpub', 0x043587cf, 'tprv', 0x04358394, 'p2pkh', true);
export const UPUB = v('upub', 0x044a5262, 'uprv', 0x044a4e28, 'p2sh-p2wpkh');
export const VPUB = v('vpub', 0x045f1cf6, 'vprv', 0x045f18bc, 'p2wpkh');
export const LTUB = v('Ltub', 0x019da462, 'Ltpv', 0x019d9cfe, 'p2pkh', true);
export const MTUB = v('Mtub', 0x01b26ef6, 'Mtpv', 0x01b26792, 'p2sh-p2wpkh');
export const TTUB = v('ttub', 0x0436f6e1, 'ttpv', 0x0436ef7d, 'p2pkh', true);
export const DGUB = v('dgub', 0x02facafd, 'dgpv', 0x02fac398, 'p2pkh', true);

export const EXTENDED_KEY_VERSIONS: readonly ExtendedKeyVersion[] = [
  XPUB,
  YPUB,
  ZPUB,
  TPUB,
  UPUB,
  VPUB,
  LTUB,
  MTUB,
  TTUB,
  DGUB,
];

/**
 * The registry entry a version number belongs to, public or private.
 * @example extendedKeyVersionOf(0x04b2430c) // { version: ZPUB, isPrivate: true }
 */
export function extendedKeyVersionOf(
  version: number,
): { version: ExtendedKeyVersion; isPrivate: boolean } | undefined {
  for (const entry of EXTENDED_KEY_VERSIONS) {
    if (entry.public === version) return { version: entry, isPrivate: false };
    if (entry.private === version) return { version: entry, isPrivate: true };
  }
  return undefined;
}
