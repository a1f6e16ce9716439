import {
  exportDatabase as exportTables,
  importDatabase as importTables,
  type ExportOptions,
  type ImportOptions,
} from "../transfer/transfer";
import { registryOf } from "./index";

/** The API's tables, referenced tables first, as the modules declare them. */
export const TABLES = registryOf().tables;

/** The database as export JSON text (see src/transfer/transfer.ts). */
export function exportDatabase(url: string, options?: ExportOptions): Promise<string> {
  return exportTables(url, TABLES, options);
}

/** Loads an export into a migrated database, in one transaction (see src/transfer/transfer.ts). */
export function importDatabase(url: string, text: string, options?: ImportOptions): Promise<Record<string, number>> {
  return importTables(url, TABLES, text, options);
}
