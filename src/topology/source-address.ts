/** Upstream connections of a proxy come from this loopback alias, so apps can tell their proxy from clients. */
export const PROXY_SOURCE_ADDRESS = "127.0.0.2";
