/** When a child is ready: its port accepts connections, or its health URL answers below 500. */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";

export type Readiness = { host: string; port: number } | { url: string };

const ATTEMPT_TIMEOUT_MS = 1000;

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(ATTEMPT_TIMEOUT_MS, () => socket.destroy(new Error("timeout")));
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = url.startsWith("https:") ? httpsRequest : httpRequest;
    // Readiness only: the run's own certificate authority is checked by the run, not here.
    const options = { method: "GET", timeout: ATTEMPT_TIMEOUT_MS, agent: false, rejectUnauthorized: false };
    const req = request(url, options, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.once("timeout", () => req.destroy(new Error("timeout")));
    req.once("error", () => resolve(false));
    req.end();
  });
}

/** One check: true once the child is ready. */
export function isReady(readiness: Readiness): Promise<boolean> {
  return "url" in readiness ? answers(readiness.url) : accepts(readiness.host, readiness.port);
}
