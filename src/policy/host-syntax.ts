/**
 * Kestrel's Host value syntax (HttpUtilities.IsHostHeaderValid, docs/kestrel-rules.md §2.3): RFC 3986 reg-name minus
 * `* + , ; =` and pct-encoding (matching Http.Sys), an optional `:` + digits, or a bracketed IPv6 literal.
 * Label structure, port range and IPv6 structure are deliberately not checked.
 */

const HOST_CHARS = new Uint8Array(128);
for (const ch of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!$&'()-._~") {
  HOST_CHARS[ch.charCodeAt(0)] = 1;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isHex(code: number): boolean {
  return isDigit(code) || (code >= 97 && code <= 102) || (code >= 65 && code <= 70);
}

/** Nothing left, or `:` followed by one or more digits to the end. */
function isPortSuffixValid(value: string, index: number): boolean {
  if (index === value.length) return true;
  if (value.charCodeAt(index) !== 58 || index === value.length - 1) return false;
  for (let i = index + 1; i < value.length; i++) {
    if (!isDigit(value.charCodeAt(i))) return false;
  }
  return true;
}

function isIpv6HostValid(value: string): boolean {
  for (let i = 1; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 93) {
      // `]` before index 4 would allow `[]` and `[::]`, which Kestrel refuses.
      return i >= 4 && isPortSuffixValid(value, i + 1);
    }
    if (!isHex(code) && code !== 58 && code !== 46) return false;
  }
  return false;
}

/** Kestrel's check of a request's Host value; empty is valid ("the spec allows empty values"). */
export function isHostHeaderValid(value: string): boolean {
  if (value.length === 0) return true;
  const first = value.charCodeAt(0);
  if (first === 91) return isIpv6HostValid(value);
  if (first === 58) return false;
  let i = 0;
  for (; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 128 || HOST_CHARS[code] === 0) break;
  }
  return isPortSuffixValid(value, i);
}

/** ForwardedHeadersMiddleware.TryValidateHost: the same syntax, but an empty value is refused. */
export function isForwardedHostValid(value: string): boolean {
  return value.length > 0 && isHostHeaderValid(value);
}
