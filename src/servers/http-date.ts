/** The IMF-fixdate of the current second, formatted once per second rather than per response. */
let cachedSecond = -1;
let cachedText = "";

export function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedText = new Date(second * 1000).toUTCString();
  }
  return cachedText;
}
