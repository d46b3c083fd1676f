import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Which IP addresses a webhook may be sent to. Only public unicast addresses are allowed by
 * default: anything else would let a store make Kassa reach into its operator's own network
 * (SSRF), e.g. a cloud metadata service at 169.254.169.254 or a database on 10.0.0.5.
 */

/** Ranges that are not public unicast (IANA special-purpose registries), with why. */
const IPV4_RANGES: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT (shared)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay anycast'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved (and broadcast)'],
];

const IPV6_RANGES: Array<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  // IPv4-compatible (deprecated): ::a.b.c.d. ::ffff:0:0/96 (IPv4-mapped) is judged by its IPv4 part.
  ['::', 96, 'IPv4-compatible (deprecated)'],
  ['64:ff9b:1::', 48, 'local-use NAT64'],
  ['100::', 64, 'discard-only'],
  ['2001::', 23, 'IETF protocol assignments (Teredo, ORCHID, ...)'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local (deprecated)'],
  ['ff00::', 8, 'multicast'],
];

function blockList(ranges: Array<[string, number, string]>, type: 'ipv4' | 'ipv6') {
  return ranges.map(([network, prefix, reason]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, type);
    return { list, reason };
  });
}

const V4 = blockList(IPV4_RANGES, 'ipv4');
const V6 = blockList(IPV6_RANGES, 'ipv6');

/** Why `address` is not a public unicast address, or undefined when it is one. */
export function nonPublicReason(address: string): string | undefined {
  if (isIPv4(address)) return V4.find((r) => r.list.check(address, 'ipv4'))?.reason;
  if (!isIPv6(address)) return 'not an IP address';
  const embedded = embeddedIPv4(address);
  if (embedded) {
    const reason = nonPublicReason(embedded.address);
    return reason ? `${reason} (${embedded.kind} ${embedded.address})` : undefined;
  }
  return V6.find((r) => r.list.check(address, 'ipv6'))?.reason;
}

/**
 * The IPv4 address inside an IPv6 form that routes to it: IPv4-mapped (::ffff:a.b.c.d), the
 * NAT64 well-known prefix (64:ff9b::/96) and 6to4 (2002:AABB:CCDD::/48). Each is judged as the
 * IPv4 address it reaches, so `::ffff:127.0.0.1` is loopback and `::ffff:8.8.8.8` is public.
 */
function embeddedIPv4(address: string): { address: string; kind: string } | undefined {
  const words = ipv6Words(address);
  if (!words) return undefined;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const zero = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  if (zero(0, 5) && words[5] === 0xffff) return { address: v4(words[6], words[7]), kind: 'IPv4-mapped' };
  if (words[0] === 0x64 && words[1] === 0xff9b && zero(2, 6))
    return { address: v4(words[6], words[7]), kind: 'NAT64' };
  if (words[0] === 0x2002) return { address: v4(words[1], words[2]), kind: '6to4' };
  return undefined;
}

/** The eight 16-bit words of an IPv6 address (a trailing dotted IPv4 part included). */
function ipv6Words(address: string): number[] | undefined {
  let text = address.split('%')[0];
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (part: string | undefined) =>
    part ? part.split(':').map((w) => Number.parseInt(w, 16)) : [];
  const left = parse(head);
  const right = parse(tail);
  const words =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff)
    ? words
    : undefined;
}
