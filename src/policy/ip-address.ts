/**
 * IP addresses and networks as .NET parses them (IPAddress.TryParse, IPEndPoint.TryParse, IPNetwork.Contains),
 * for the forwarded-headers trust checks. IPv4 text follows inet_aton, as .NET does: `1`, `1.2`, `0x7f.1`, `010.0.0.1`.
 */
import { isIPv6 } from "node:net";

export interface IpAddress {
  family: 4 | 6;
  bytes: Uint8Array;
}

export interface IpEndPoint {
  address: IpAddress;
  port: number;
}

export interface IpNetwork {
  prefix: IpAddress;
  prefixLength: number;
}

function parseIpv4Part(text: string): number | null {
  if (text.length === 0) return null;
  let radix = 10;
  let digits = text;
  if (/^0[xX]/.test(text)) {
    radix = 16;
    digits = text.slice(2);
    if (digits.length === 0) return 0;
  } else if (text.length > 1 && text.startsWith("0")) {
    radix = 8;
    digits = text.slice(1);
  }
  const pattern = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!pattern.test(digits)) return null;
  const value = parseInt(digits, radix);
  return Number.isSafeInteger(value) ? value : null;
}

function parseIpv4(text: string): IpAddress | null {
  const parts = text.split(".");
  if (parts.length > 4) return null;
  const values: number[] = [];
  for (const part of parts) {
    const value = parseIpv4Part(part);
    if (value === null) return null;
    values.push(value);
  }
  // inet_aton: the last part fills the remaining bytes.
  const leading = values.slice(0, -1);
  const last = values[values.length - 1]!;
  if (leading.some((v) => v > 255)) return null;
  const remainingBytes = 4 - leading.length;
  if (last >= 2 ** (8 * remainingBytes)) return null;
  const bytes = new Uint8Array(4);
  leading.forEach((v, i) => (bytes[i] = v));
  for (let i = 3, rest = last; i >= leading.length; i--, rest = Math.floor(rest / 256)) bytes[i] = rest % 256;
  return { family: 4, bytes };
}

function parseIpv6(text: string): IpAddress | null {
  let body = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const zone = body.indexOf("%");
  if (zone >= 0) body = body.slice(0, zone);
  if (!isIPv6(body)) return null;
  let head = body;
  const bytes = new Uint8Array(16);
  // An embedded dotted IPv4 tail takes the last 4 bytes.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(head);
  let groupsEnd = 16;
  if (dotted) {
    const v4 = parseIpv4(dotted[1]!);
    if (!v4) return null;
    bytes.set(v4.bytes, 12);
    groupsEnd = 12;
    head = head.slice(0, head.length - dotted[1]!.length);
    if (head.endsWith(":") && !head.endsWith("::")) head = head.slice(0, -1);
  }
  const [left, right] = head.includes("::") ? head.split("::") : [head, undefined];
  const leftGroups = left ? left.split(":").filter((g) => g.length > 0) : [];
  const rightGroups = right ? right.split(":").filter((g) => g.length > 0) : [];
  leftGroups.forEach((g, i) => {
    const v = parseInt(g, 16);
    bytes[i * 2] = v >> 8;
    bytes[i * 2 + 1] = v & 0xff;
  });
  rightGroups.forEach((g, i) => {
    const v = parseInt(g, 16);
    const at = groupsEnd - (rightGroups.length - i) * 2;
    bytes[at] = v >> 8;
    bytes[at + 1] = v & 0xff;
  });
  return { family: 6, bytes };
}

/** IPAddress.TryParse. */
export function parseIpAddress(text: string): IpAddress | null {
  if (text.includes(":")) return parseIpv6(text);
  if (text.startsWith("[")) return null;
  return parseIpv4(text);
}

/** IPEndPoint.TryParse: `1.2.3.4`, `1.2.3.4:80`, `::1`, `[::1]`, `[::1]:80`; a missing port is 0. */
export function parseIpEndPoint(text: string): IpEndPoint | null {
  let addressLength = text.length;
  const lastColon = text.lastIndexOf(":");
  if (lastColon > 0) {
    if (text[lastColon - 1] === "]") addressLength = lastColon;
    else if (text.slice(0, lastColon).lastIndexOf(":") === -1) addressLength = lastColon;
  }
  const address = parseIpAddress(text.slice(0, addressLength));
  if (!address) return null;
  if (addressLength === text.length) return { address, port: 0 };
  const portText = text.slice(addressLength + 1);
  if (!/^[0-9]+$/.test(portText)) return null;
  const port = Number(portText);
  return port <= 65535 ? { address, port } : null;
}

/** `10.0.0.0/8`, `fd00::/8`; a bare address is a /32 or /128. */
export function parseIpNetwork(text: string): IpNetwork | null {
  const slash = text.indexOf("/");
  const prefix = parseIpAddress(slash >= 0 ? text.slice(0, slash) : text);
  if (!prefix) return null;
  const maxLength = prefix.family === 4 ? 32 : 128;
  if (slash < 0) return { prefix, prefixLength: maxLength };
  const lengthText = text.slice(slash + 1);
  if (!/^[0-9]+$/.test(lengthText)) return null;
  const prefixLength = Number(lengthText);
  return prefixLength <= maxLength ? { prefix, prefixLength } : null;
}

export function ipEquals(a: IpAddress, b: IpAddress): boolean {
  if (a.family !== b.family) return false;
  for (let i = 0; i < a.bytes.length; i++) if (a.bytes[i] !== b.bytes[i]) return false;
  return true;
}

export function networkContains(network: IpNetwork, address: IpAddress): boolean {
  if (network.prefix.family !== address.family) return false;
  let bits = network.prefixLength;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((network.prefix.bytes[i]! & mask) !== (address.bytes[i]! & mask)) return false;
  }
  return true;
}

/** `::ffff:a.b.c.d` as its IPv4 address, or null. */
export function mappedIpv4(address: IpAddress): IpAddress | null {
  if (address.family !== 6) return null;
  for (let i = 0; i < 10; i++) if (address.bytes[i] !== 0) return null;
  if (address.bytes[10] !== 0xff || address.bytes[11] !== 0xff) return null;
  return { family: 4, bytes: address.bytes.slice(12) };
}

/** The canonical text of an address (IPAddress.ToString): dotted IPv4, compressed lower-case IPv6. */
export function formatIpAddress(address: IpAddress): string {
  if (address.family === 4) return Array.from(address.bytes).join(".");
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((address.bytes[i]! << 8) | address.bytes[i + 1]!);
  const v4 = mappedIpv4(address);
  if (v4) return `::ffff:${formatIpAddress(v4)}`;
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/** IPEndPoint.ToString: `127.0.0.1:99`, `[::1]:99`. */
export function formatIpEndPoint(endPoint: IpEndPoint): string {
  const text = formatIpAddress(endPoint.address);
  return endPoint.address.family === 6 ? `[${text}]:${endPoint.port}` : `${text}:${endPoint.port}`;
}

/** A socket's peer address with an IPv4-mapped prefix removed (`::ffff:127.0.0.1` → `127.0.0.1`). */
export function plainPeerAddress(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
