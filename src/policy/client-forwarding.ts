/**
 * Fields a client can use to forge its address, scheme or host further down (docs/probes.md, spoofing): what a 1st hop
 * strips, the builtin proxy and every generated engine configuration alike.
 */
export const CLIENT_FORWARDING_FIELDS = [
  "X-Forwarded-For",
  "X-Forwarded-Host",
  "X-Forwarded-Proto",
  "X-Forwarded-Prefix",
  "X-Forwarded-Port",
  "X-Forwarded-Server",
  "Forwarded",
  "X-Real-IP",
  "X-Host",
  "X-HTTP-Host-Override",
  "X-Original-Host",
  "X-Original-For",
  "X-Original-Proto",
] as const;
