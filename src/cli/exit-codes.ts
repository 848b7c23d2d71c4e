/** The exit-code contract, declared with the base error (support/errors.ts) so every layer can name one. */
export { EXIT, type ExitCode } from "../support/errors.js";
