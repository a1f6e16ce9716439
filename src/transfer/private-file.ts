import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import path from "node:path";

/**
 * Writes a file only its owner can read (mode 0600), since an export holds personal data and the
 * hashes of API keys. The text goes to a new file beside the target which then replaces it, so
 * an existing file with wider rights is replaced, not rewritten in place, and a reader never
 * sees half an export.
 */
export async function writePrivateFile(file: string, content: string): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(temporary, "wx", 0o600);
  try {
    // The mode given to open() is narrowed by the umask; set it explicitly.
    await handle.chmod(0o600);
    await handle.writeFile(content);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
