import { GroupKind, GroupLevel } from "../generated/prisma/enums";

/**
 * The OpenAPI 3.1 description of /export, served at /export/openapi.json. Written by hand beside
 * the routes (./lists.ts); tests/export.test.ts checks that each path here is served and each
 * route served is here.
 */

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

const ERRORS = {
  "400": errorResponse("A parameter is unknown, repeated or malformed (code BAD_USER_INPUT)."),
  "401": errorResponse("The API key is not valid, or the service needs one (code UNAUTHENTICATED)."),
  "429": {
    ...errorResponse("Over the rate limit (code RATE_LIMITED); the header Retry-After says when to come back."),
    headers: { "Retry-After": { schema: { type: "integer" } } },
  },
  "503": errorResponse("The database is not available (code SERVICE_UNAVAILABLE); retry after Retry-After seconds."),
};

const parameter = (name: string, description: string, schema: object, where: "query" | "path" = "query") => ({
  name,
  in: where,
  required: where === "path",
  description,
  schema,
});

const ACTIVE_ON = parameter(
  "activeOn",
  'Only what was in force on this day, e.g. "2024-03-01"; today when omitted; `all` for every period, ended ones too.',
  { anyOf: [{ type: "string", format: "date" }, { const: "all" }] },
);
const DELIMITER = parameter(
  "delimiter",
  "The column separator: `,` (the default) or `;` for Excel with Swedish regional settings (also `comma`, `semicolon`).",
  { type: "string", enum: [",", ";", "comma", "semicolon"], default: "," },
);

const GROUP_PARAMETERS = [
  parameter("kind", "Any of these kinds, separated by commas, e.g. `LPO,LAG`.", {
    type: "string",
    pattern: `^(${Object.values(GroupKind).join("|")})(,(${Object.values(GroupKind).join("|")}))*$`,
  }),
  parameter("level", "Any of these levels, separated by commas, e.g. `REGIONAL`.", {
    type: "string",
    pattern: `^(${Object.values(GroupLevel).join("|")})(,(${Object.values(GroupLevel).join("|")}))*$`,
  }),
  parameter("region", 'Working in this region, by länskod, e.g. "22".', { type: "string", pattern: "^\\d{2}$" }),
  parameter("healthcareRegion", "Working in this healthcare region (sjukvårdsregion), by slug, e.g. `norra`.", {
    type: "string",
  }),
  parameter("municipality", 'The municipality (kommunkod, e.g. "2281") sits in.', {
    type: "string",
    pattern: "^\\d{4}$",
  }),
  parameter(
    "programArea",
    "Belonging to this national program area (NPO) by slug, e.g. `psykisk-halsa`: the NPO, its RPOs and LPOs and their working groups.",
    { type: "string" },
  ),
  ACTIVE_ON,
];

const SLUG = parameter("slug", "The group's slug, e.g. `lpo-22-psykisk-halsa`.", { type: "string" }, "path");
const COUNTY_CODE = parameter(
  "countyCode",
  'The region\'s länskod, e.g. "22".',
  { type: "string", pattern: "^\\d{2}$" },
  "path",
);

function list(
  summary: string,
  description: string,
  schema: string,
  parameters: object[],
  format: "csv" | "json",
  notFound?: string,
) {
  return {
    get: {
      summary: `${summary} (${format.toUpperCase()})`,
      description,
      tags: ["export"],
      parameters: format === "csv" ? [...parameters, DELIMITER] : parameters,
      responses: {
        "200": {
          description:
            format === "csv"
              ? "UTF-8 CSV with a byte order mark and a header row, one line per item (CRLF). Cells a spreadsheet would run as a formula start with an apostrophe."
              : "The items, with the CSV's columns as fields.",
          content:
            format === "csv"
              ? { "text/csv": { schema: { type: "string" } } }
              : {
                  "application/json": {
                    schema: {
                      type: "object",
                      required: ["items"],
                      properties: { items: { type: "array", items: { $ref: `#/components/schemas/${schema}` } } },
                    },
                  },
                },
        },
        ...ERRORS,
        ...(notFound ? { "404": errorResponse(notFound) } : {}),
      },
    },
  };
}

const GROUPS_DESCRIPTION =
  "Governance bodies at every level, as the GraphQL query `groups` lists them (Swedish alphabetical order by name). Without parameters: every body in force today.";
const MEMBERS_DESCRIPTION =
  "The members of one group in force on a day, as `GovernanceGroup.members` lists them: chair first, then by role and name. The columns email and phone are there only for API keys with the scope `read:contact`.";
const STRUCTURE_DESCRIPTION =
  "A region's structure: the region, its healthcare region(s), its municipalities and the bodies working in it (LPOs, LAGs and other regional bodies) on a day, one line each.";

const text = { type: ["string", "null"] };

export const EXPORT_OPENAPI = {
  openapi: "3.1.0",
  info: {
    title: "Kunskapsgraf export",
    version: "1",
    description:
      "Read-only CSV and JSON lists of the knowledge-governance structure, for those who do not write GraphQL. They are read through the GraphQL API's own resolvers: the same data, order and access rules. An API key goes in the header `Authorization: Bearer <key>`, as for GraphQL, and the same rate limit applies.",
  },
  servers: [{ url: "/export" }],
  security: [{}, { apiKey: [] }],
  paths: {
    "/groups.csv": list("Governance bodies", GROUPS_DESCRIPTION, "Group", GROUP_PARAMETERS, "csv"),
    "/groups.json": list("Governance bodies", GROUPS_DESCRIPTION, "Group", GROUP_PARAMETERS, "json"),
    "/groups/{slug}/members.csv": list(
      "Members of a group",
      MEMBERS_DESCRIPTION,
      "Member",
      [SLUG, ACTIVE_ON],
      "csv",
      "There is no group with this slug (code NOT_FOUND).",
    ),
    "/groups/{slug}/members.json": list(
      "Members of a group",
      MEMBERS_DESCRIPTION,
      "Member",
      [SLUG, ACTIVE_ON],
      "json",
      "There is no group with this slug (code NOT_FOUND).",
    ),
    "/regions/{countyCode}/structure.csv": list(
      "A region's structure",
      STRUCTURE_DESCRIPTION,
      "StructureItem",
      [COUNTY_CODE, ACTIVE_ON],
      "csv",
      "There is no region with this länskod (code NOT_FOUND).",
    ),
    "/regions/{countyCode}/structure.json": list(
      "A region's structure",
      STRUCTURE_DESCRIPTION,
      "StructureItem",
      [COUNTY_CODE, ACTIVE_ON],
      "json",
      "There is no region with this länskod (code NOT_FOUND).",
    ),
    "/openapi.json": {
      get: {
        summary: "This description",
        tags: ["export"],
        responses: { "200": { description: "OpenAPI 3.1", content: { "application/json": {} } } },
      },
    },
  },
  components: {
    securitySchemes: {
      apiKey: { type: "http", scheme: "bearer", description: "An API key made with `npm run keys`." },
    },
    schemas: {
      Error: {
        type: "object",
        required: ["error"],
        properties: {
          error: {
            type: "object",
            required: ["code", "message"],
            properties: {
              code: {
                type: "string",
                enum: [
                  "BAD_USER_INPUT",
                  "UNAUTHENTICATED",
                  "FORBIDDEN",
                  "NOT_FOUND",
                  "RATE_LIMITED",
                  "SERVICE_UNAVAILABLE",
                  "INTERNAL_SERVER_ERROR",
                ],
              },
              message: { type: "string" },
              parameter: { type: "string", description: "The parameter that is bad (BAD_USER_INPUT)." },
              requestId: { type: "string", description: "Quote it when reporting a problem." },
              retryAfterSeconds: { type: "integer" },
            },
          },
        },
      },
      Group: {
        type: "object",
        properties: {
          slug: { type: "string" },
          name: { type: "string" },
          shortName: text,
          kind: { type: "string", enum: Object.values(GroupKind) },
          level: { type: "string", enum: Object.values(GroupLevel) },
          region: { ...text, description: "Länskod of the region a regional body works in." },
          healthcareRegion: {
            ...text,
            description: "Slug of the healthcare region a healthcare-regional body works in.",
          },
          programAreas: {
            type: "string",
            description: "Slugs of the national program areas it mirrors, space-separated.",
          },
          parent: { ...text, description: "Slug of the body that appointed it." },
          host: { ...text, description: "Slug of the organisation hosting it today (värdskap)." },
          municipalParticipation: { type: "boolean" },
          validFrom: { ...text, format: "date" },
          validTo: { ...text, format: "date" },
        },
      },
      Member: {
        type: "object",
        properties: {
          role: { type: "string" },
          givenName: { type: "string" },
          familyName: { type: "string" },
          title: text,
          hsaId: text,
          email: { ...text, description: "Only for keys with `read:contact`." },
          phone: { ...text, description: "Only for keys with `read:contact`." },
          representing: { ...text, description: "Slug of the organisation the member represents." },
          representingName: text,
          validFrom: { type: "string", format: "date" },
          validTo: { ...text, format: "date" },
        },
      },
      StructureItem: {
        type: "object",
        properties: {
          type: { type: "string", enum: ["REGION", "HEALTHCARE_REGION", "MUNICIPALITY", "GROUP"] },
          code: { ...text, description: "Länskod of the region, kommunkod of a municipality." },
          slug: text,
          name: { type: "string" },
          kind: { ...text, description: "A group's kind." },
          programAreas: { ...text, description: "A group's national program areas, slugs space-separated." },
          parent: text,
          host: text,
        },
      },
    },
  },
} as const;
