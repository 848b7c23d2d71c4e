/** Writing a report: to stdout, or to a file atomically (a temporary file renamed into place). */
import { rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(temporary, text);
    await rename(temporary, path);
  } catch (error) {
    // A write or rename that failed (the path is a folder, the disk is full) leaves no temporary file behind.
    await rm(temporary, { force: true });
    throw error;
  }
}

export async function emit(text: string, out: string | undefined): Promise<void> {
  if (out) await writeAtomically(out, text);
  else process.stdout.write(text);
}
