/**
 * One verified TLS handshake with an endpoint, trusting only the run's CA. autocannon turns certificate verification
 * off for its own connections (its httpClient passes rejectUnauthorized: false), so edgebench checks the endpoint's
 * certificate this way before loading it, instead of loading an endpoint nobody verified.
 */
import { connect } from "node:tls";
import { EdgebenchError } from "../support/errors.js";

export class TlsVerificationError extends EdgebenchError {
  constructor(url: string, reason: string) {
    super("ERR_TLS_VERIFY", `${url}: the TLS certificate does not verify against the run's CA: ${reason}`);
  }
}

export function verifyTlsEndpoint(url: string, ca: string, timeoutMs = 5000): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: hostname.replace(/^\[|\]$/g, ""), port: Number(port || 443), ca, timeout: timeoutMs },
      () => {
        socket.end();
        resolve();
      },
    );
    socket.once("error", (error) => reject(new TlsVerificationError(url, error.message)));
    socket.once("timeout", () => {
      socket.destroy();
      reject(new TlsVerificationError(url, "no handshake in time"));
    });
  });
}
