/** Reporter names, apart from the reporters themselves so the CLI can list them without loading them. */
export const REPORTER_NAMES = ["terminal", "json", "markdown", "junit", "html"] as const;
export type ReporterName = (typeof REPORTER_NAMES)[number];
