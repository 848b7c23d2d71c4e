/** RFC 9113 §8.2.1 field validity: what makes an HTTP/2 request malformed before anything could be downgraded. */

const TOKEN_LOWER = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

/** Why a field makes a request malformed, or null when it is valid (pseudo-headers are checked by name elsewhere). */
export function malformedField(name: string, value: string): string | null {
  if (!name.startsWith(":") && !TOKEN_LOWER.test(name)) {
    const uppercase = /[A-Z]/.test(name) && TOKEN_LOWER.test(name.toLowerCase());
    return uppercase ? `uppercase field name '${name}'` : "a field name with a byte outside a token";
  }
  if (/[\0\r\n]/.test(value)) return `NUL, CR or LF in the value of '${name}'`;
  if (/^[ \t]|[ \t]$/.test(value)) return `whitespace around the value of '${name}'`;
  return null;
}
