import type { ModuleDescriptor } from "../graphql/module";
import { auditModule } from "../modules/audit";
import { gapsModule } from "../modules/gaps";
import { geographyModule } from "../modules/geography";
import { governanceModule } from "../modules/governance";
import { nodeModule } from "../modules/node";
import { organisationsModule } from "../modules/organisations";
import { peopleModule } from "../modules/people";
import { searchModule } from "../modules/search";
import { syncModule } from "../modules/sync";

/** API keys are infrastructure (src/access), but their table is exported with the rest. */
const accessTables: ModuleDescriptor = { name: "access", tables: [{ name: "api_key", orderBy: "id" }] };

/**
 * Every module of the API, once. Adding an entity adds its module here; the schema, the loaders,
 * `node`, the audit trail, search, export/import and the access matrix follow from its descriptor.
 */
export const MODULES: readonly ModuleDescriptor[] = [
  geographyModule,
  organisationsModule,
  governanceModule,
  gapsModule,
  peopleModule,
  searchModule,
  syncModule,
  nodeModule,
  accessTables,
  auditModule,
];
