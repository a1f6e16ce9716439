import { ImplementationStatus as ImplementationStatuses } from "../../generated/prisma/enums";
import type { ImplementationStatus } from "../../generated/prisma/client";
import { cellReader } from "../../graphql/sheet-cells";
import type { ImplementationStatusRowInput } from "./knowledge.inputs";

/** A tracking-sheet row whose every cell has been checked and converted: what the sync works with. */
export interface SheetRowValues {
  knowledgeSupport: string;
  municipalityCode: string | null;
  status: ImplementationStatus;
  from: Date;
  reason: string | null;
  decisionDate: Date | null;
}

/** A bad cell of a row: the field named as in the row's input, with the error code and why. */
export interface SheetCellError {
  code: "BAD_USER_INPUT";
  field: string;
  message: string;
}

const STATUSES = Object.values(ImplementationStatuses);

/** The longest a reason may be; a longer cell is reported, not truncated. */
export const MAX_SHEET_REASON = 2000;

/**
 * Checks every cell of a tracking-sheet row as the region's sheet has it (strings, so that one
 * bad cell fails its row rather than the request) and converts it. Each bad cell gives one error
 * naming its field; the values are returned only when no cell is bad.
 */
export function parseSheetRow(row: ImplementationStatusRowInput): {
  values?: SheetRowValues;
  errors: SheetCellError[];
} {
  const errors: SheetCellError[] = [];
  const cells = cellReader((field, message) => errors.push({ code: "BAD_USER_INPUT", field, message }));
  const knowledgeSupport = cells.slug("knowledgeSupport", row.knowledgeSupport, true);
  const municipalityCode = cells.municipalityCode("municipalityCode", row.municipalityCode, false);
  const status = cells.oneOf("status", row.status, STATUSES, "an implementation status", true);
  const from = cells.day("from", row.from, true);
  const reason = cells.text("reason", row.reason, MAX_SHEET_REASON, false);
  const decisionDate = cells.day("decisionDate", row.decisionDate, false);
  if (status === "NOT_TO_BE_IMPLEMENTED" && reason === null)
    errors.push({ code: "BAD_USER_INPUT", field: "reason", message: "A decision not to implement needs a reason" });
  if (errors.length > 0) return { errors };
  return {
    errors,
    values: {
      knowledgeSupport: knowledgeSupport as string,
      municipalityCode: municipalityCode as string | null,
      status: status as ImplementationStatus,
      from: from as Date,
      reason: (reason as string | null)?.trim() ?? null,
      decisionDate: decisionDate as Date | null,
    },
  };
}
