import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type express from "express";
import type { Caller } from "../access/caller";
import { StartupProblem } from "../db/startup-problem";
import { GraphQLError } from "graphql";
import { ErrorCode, GraphQLErrorWithCode } from "./errors";

/** `off`: documents are not looked up; `allow`: registered ones may be sent by id; `require`: only registered ones run. */
export type TrustedDocumentsMode = "off" | "allow" | "require";

/** The SHA-256 hash of a document's text (UTF-8), in lower-case hex: its id in the manifest. */
export function documentHash(document: string): string {
  return createHash("sha256").update(document, "utf8").digest("hex");
}

/** The registered documents: id (SHA-256 hex) → document text. */
export type TrustedDocuments = ReadonlyMap<string, string>;

const HASH = /^[0-9a-f]{64}$/;

/**
 * The documents of a manifest's JSON: an object of SHA-256 hash → document (as `npm run
 * documents:register` and GraphQL Code Generator's client preset write it), or Apollo's persisted
 * query manifest (`{ format: "apollo-persisted-query-manifest", operations: [{ id, body }] }`).
 * Every id must be the hash of its document; the first problem is thrown, naming it.
 */
export function parseManifest(json: string, source: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new StartupProblem(`${source} is not JSON: ${(error as Error).message}`);
  }
  const entries: [unknown, unknown][] = [];
  if (isRecord(parsed) && parsed.format === "apollo-persisted-query-manifest") {
    if (!Array.isArray(parsed.operations)) throw new StartupProblem(`${source}: "operations" must be a list`);
    for (const operation of parsed.operations as unknown[])
      entries.push(isRecord(operation) ? [operation.id, operation.body] : [undefined, undefined]);
  } else if (isRecord(parsed)) {
    entries.push(...Object.entries(parsed));
  } else {
    throw new StartupProblem(`${source} must hold an object of SHA-256 hash → document`);
  }
  const documents = new Map<string, string>();
  for (const [id, document] of entries) {
    if (typeof id !== "string" || !HASH.test(id) || typeof document !== "string")
      throw new StartupProblem(
        `${source}: every entry must be a SHA-256 hash (64 lower-case hex digits) and a document`,
      );
    if (documentHash(document) !== id)
      throw new StartupProblem(
        `${source}: the document under ${id} has the hash ${documentHash(document)}, not its id`,
      );
    documents.set(id, document);
  }
  return documents;
}

/** The registered documents of the manifest file; a clear error when it is missing or wrong. */
export function loadTrustedDocuments(file: string): TrustedDocuments {
  let json: string;
  try {
    json = readFileSync(file, "utf8");
  } catch (error) {
    throw new StartupProblem(
      `TRUSTED_DOCUMENTS needs the manifest of registered documents, TRUSTED_DOCUMENTS_FILE=${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Write it with \`npm run documents:register -- <.graphql files>\`.`,
    );
  }
  return parseManifest(json, file);
}

/**
 * What the trusted-documents step made of a request: `registered` (sent by id and replaced by
 * its document, or sent as a registered text), `unknown` (an id no document has), `unregistered`
 * (a text that is not registered, in `require` mode). Absent: nothing to say.
 */
export type TrustedDocumentVerdict =
  { kind: "registered" } | { kind: "unknown"; id: string } | { kind: "unregistered" };

interface OperationParameters {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

/**
 * Express middleware before Apollo Server: a request naming a registered document, by
 * `documentId` (`sha256:<hex>` or `<hex>`, the GraphQL-over-HTTP persisted-documents convention)
 * or by Apollo's `extensions.persistedQuery.sha256Hash`, gets that document as its `query`
 * (POST body or GET parameters), and the id is taken out so that Apollo Server's own APQ does not
 * look at it again. Its verdict goes in `res.locals.trustedDocument`; the refusal, if any, is
 * made where the caller is known (see `trustedDocumentRefusal`). An APQ hash that is not
 * registered is left to Apollo Server's APQ in `allow` mode.
 */
export function trustedDocumentsMiddleware(mode: TrustedDocumentsMode, documents: TrustedDocuments): express.Handler {
  return (req, res, next) => {
    if (mode === "off") return next();
    if (req.method === "POST") {
      const body: unknown = req.body;
      if (isRecord(body)) res.locals.trustedDocument = resolve(mode, documents, body as OperationParameters);
    } else if (req.method === "GET") {
      const mark = req.url.indexOf("?");
      const pathname = mark === -1 ? req.url : req.url.slice(0, mark);
      const search = mark === -1 ? "" : req.url.slice(mark + 1);
      const params = new URLSearchParams(search);
      const given: OperationParameters = {
        query: params.get("query") ?? undefined,
        documentId: params.get("documentId") ?? undefined,
        extensions: parseJsonObject(params.get("extensions")),
      };
      const verdict = resolve(mode, documents, given);
      res.locals.trustedDocument = verdict;
      if (verdict?.kind === "registered") {
        params.delete("documentId");
        if (typeof given.query === "string") params.set("query", given.query);
        if (isRecord(given.extensions)) {
          if (Object.keys(given.extensions).length > 0) params.set("extensions", JSON.stringify(given.extensions));
          else params.delete("extensions");
        }
        req.url = `${pathname}?${params.toString()}`;
      }
    }
    next();
  };
}

/**
 * The verdict on one request's parameters, after putting a registered document in `query` (and
 * taking the id out) when it was sent by id alone.
 */
function resolve(
  mode: Exclude<TrustedDocumentsMode, "off">,
  documents: TrustedDocuments,
  given: OperationParameters,
): TrustedDocumentVerdict | undefined {
  const persisted = isRecord(given.extensions) ? given.extensions.persistedQuery : undefined;
  const apqHash = isRecord(persisted) && typeof persisted.sha256Hash === "string" ? persisted.sha256Hash : undefined;
  const documentId = typeof given.documentId === "string" ? given.documentId : undefined;
  if (typeof given.query === "string") {
    // A text is judged by its own hash; Apollo Server checks an APQ hash sent with it.
    if (documents.has(documentHash(given.query))) {
      delete given.documentId;
      return { kind: "registered" };
    }
    return mode === "require" ? { kind: "unregistered" } : undefined;
  }
  const id = documentId ?? apqHash;
  if (id === undefined) return undefined;
  const document = documents.get(id.replace(/^sha256:/, "").toLowerCase());
  if (document === undefined)
    return documentId !== undefined || mode === "require" ? { kind: "unknown", id } : undefined;
  given.query = document;
  delete given.documentId;
  if (apqHash !== undefined && isRecord(given.extensions)) delete given.extensions.persistedQuery;
  return { kind: "registered" };
}

/**
 * The error for a request the trusted documents refuse, or undefined: an unknown id is
 * PERSISTED_QUERY_NOT_FOUND, and in `require` mode a document that is not registered is
 * PERSISTED_QUERY_NOT_IN_LIST unless the caller's key has the `admin` scope (GraphiQL and
 * one-off queries by operators).
 */
export function trustedDocumentRefusal(
  verdict: TrustedDocumentVerdict | undefined,
  caller: Caller,
): GraphQLError | undefined {
  if (verdict?.kind === "unknown")
    // Apollo Server's code for an unknown APQ hash (src/graphql/format-error.ts lets it through).
    return new GraphQLError(
      `No registered document has the id "${verdict.id}". Register it (npm run documents:register) and deploy the manifest, or send the document's text.`,
      { extensions: { code: "PERSISTED_QUERY_NOT_FOUND", http: { status: 400 } } },
    );
  if (verdict?.kind === "unregistered" && !caller.scopes.includes("admin"))
    return new GraphQLErrorWithCode(
      "This server runs only registered documents (TRUSTED_DOCUMENTS=require): send a registered document's id as `documentId` or as `extensions.persistedQuery.sha256Hash`, or register this one.",
      ErrorCode.PERSISTED_QUERY_NOT_IN_LIST,
      { http: { status: 400 } },
    );
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJsonObject(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Apollo Server reports a malformed `extensions` parameter itself.
    return text;
  }
}
