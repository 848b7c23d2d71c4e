/**
 * The settings file the real Kestrel app is started with, from the same options the simulated app takes: read by
 * ASP.NET Core's own configuration (AllowedHosts, HostFiltering, Kestrel endpoint) and by the app's few lines that
 * turn the ForwardedHeaders and Edgebench sections into options.
 */
import type { AppOptions } from "../../servers/app.js";
import { hasWork, type AppWork } from "../../servers/app-work.js";
import { enabledForwardedHeaders, type ForwardedHeadersOptions } from "../../policy/forwarded-headers.js";
import { appSpec } from "../../scenario/schema.js";
import { defaultsOf } from "../../scenario/spec.js";

const APP_DEFAULTS = defaultsOf(appSpec.fields);

/** Files the settings point at (the run's certificate as PEM), relative to nothing: absolute paths. */
export interface KestrelFiles {
  certFile: string;
  keyFile: string;
}

function forwardedSection(options: ForwardedHeadersOptions): Record<string, unknown> {
  const flags = [...enabledForwardedHeaders(options)];
  return {
    ForwardedHeaders: flags.length ? flags.join(", ") : "None",
    ...(options.forwardLimit !== undefined
      ? { ForwardLimit: options.forwardLimit === null ? "none" : String(options.forwardLimit) }
      : {}),
    ...(options.knownProxies ? { KnownProxies: options.knownProxies } : {}),
    ...(options.knownNetworks ? { KnownNetworks: options.knownNetworks } : {}),
    ...(options.allowedHosts ? { AllowedHosts: options.allowedHosts } : {}),
    RequireHeaderSymmetry: options.requireHeaderSymmetry ?? false,
  };
}

function endpoint(options: AppOptions, files: KestrelFiles | null): Record<string, unknown> {
  const host = options.host ?? "127.0.0.1";
  const scheme = files ? "https" : "http";
  return {
    Url: `${scheme}://${host.includes(":") ? `[${host}]` : host}:${options.port ?? 0}`,
    Protocols: options.protocols ?? "Http1AndHttp2",
    ...(files ? { Certificate: { Path: files.certFile, KeyPath: files.keyFile } } : {}),
  };
}

/** apps[].work for the real app's Work class (Work.cs): the same service time, answer size and chunks. */
function workSection(work: AppWork): Record<string, unknown> {
  const time = work.serviceTime;
  return {
    Distribution: time?.distribution ?? "none",
    ...(time?.distribution === "fixed" ? { Ms: time.ms } : {}),
    ...(time?.distribution === "uniform" ? { MinMs: time.minMs, MaxMs: time.maxMs } : {}),
    ...(time?.distribution === "lognormal" ? { MedianMs: time.medianMs, P99Ms: time.p99Ms } : {}),
    AnswerBytes: work.answerBytes ?? 0,
    Chunks: work.chunks,
    ChunkDelayMs: work.chunkDelayMs,
  };
}

export function kestrelSettings(options: AppOptions, files: KestrelFiles | null): Record<string, unknown> {
  return {
    AllowedHosts: (options.allowedHosts ?? APP_DEFAULTS.allowedHosts).join(";"),
    HostFiltering: {
      AllowEmptyHosts: options.allowEmptyHosts ?? APP_DEFAULTS.allowEmptyHosts,
      IncludeFailureMessage: options.includeFailureMessage ?? APP_DEFAULTS.includeFailureMessage,
    },
    Kestrel: {
      AddServerHeader: options.addServerHeader ?? true,
      AllowHostHeaderOverride: options.allowHostHeaderOverride ?? APP_DEFAULTS.allowHostHeaderOverride,
      Endpoints: { App: endpoint(options, files) },
    },
    ...(options.forwardedHeaders ? { ForwardedHeaders: forwardedSection(options.forwardedHeaders) } : {}),
    Edgebench: {
      Name: options.name ?? "app",
      ...(options.internalPaths?.length ? { InternalPaths: options.internalPaths } : {}),
      ...(options.work && hasWork(options.work) ? { Work: workSection(options.work) } : {}),
      ...(options.clientAddress
        ? { ClientAddress: options.clientAddress, ProxyAddresses: options.proxyAddresses ?? [] }
        : {}),
    },
    // Logs go to stderr (the app.log); stdout carries only the driver's protocol lines.
    Logging: { LogLevel: { Default: "Warning" }, Console: { LogToStandardErrorThreshold: "Trace" } },
  };
}
