/**
 * Certificates made at run time for the TLS topologies: a throwaway CA (ECDSA P-256, a day long) and one server
 * certificate it signs for loopback and the scenario's hosts. Nothing is written to disk or committed; clients
 * trust the CA through their own options (`ca`), never by turning verification off.
 */
import "reflect-metadata";
import { randomBytes, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import type { TlsIdentity } from "../http1/connection.js";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;

export interface RunCertificates {
  /** The CA certificate (PEM) clients trust. */
  ca: string;
  /** The server certificate and key every TLS endpoint of the run presents. */
  server: TlsIdentity;
  /** The names the server certificate covers. */
  names: string[];
}

function serial(): string {
  // Positive, 16 bytes: what RFC 5280 §4.1.2.2 asks of a serial number.
  const bytes = randomBytes(16);
  bytes[0]! &= 0x7f;
  return bytes.toString("hex");
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Makes a CA and a server certificate for `hosts` (wildcards allowed) plus localhost, 127.0.0.1 and ::1. */
export async function createRunCertificates(hosts: readonly string[]): Promise<RunCertificates> {
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + DAY_MS);
  const caKeys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: "CN=edgebench run CA",
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const names = [
    ...new Set(["localhost", "127.0.0.1", "::1", ...hosts.filter((host) => host !== "*" && host.length > 0)]),
  ];
  const serverKeys = (await webcrypto.subtle.generateKey(ALGORITHM, true, [
    "sign",
    "verify",
  ])) as webcrypto.CryptoKeyPair;
  const server = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: "CN=localhost",
    issuer: ca.subject,
    notBefore,
    notAfter,
    signingKey: caKeys.privateKey,
    publicKey: serverKeys.publicKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.SubjectAlternativeNameExtension(
        names.map((name) =>
          IPV4.test(name) || name.includes(":") ? { type: "ip", value: name } : { type: "dns", value: name },
        ),
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  const key = x509.PemConverter.encode(await webcrypto.subtle.exportKey("pkcs8", serverKeys.privateKey), "PRIVATE KEY");
  return { ca: ca.toString("pem"), server: { key, cert: server.toString("pem") }, names };
}
