import type { ModuleDescriptor } from "../graphql/module";
import { auditModule } from "../modules/audit";
import { gapsModule } from "../modules/gaps";
import { geographyModule } from "../modules/geography";
import { governanceModule } from "../modules/governance";
import { knowledgeModule } from "../modules/knowledge";
import { nodeModule } from "../modules/node";
import { organisationsModule } from "../modules/organisations";
import { peopleModule } from "../modules/people";
import { rateLimitModule } from "../modules/rate-limit";
import { createSearchModule } from "../modules/search";
import { syncModule } from "../modules/sync";

/** API keys are infrastructure (src/access), but their table is exported with the rest. */
const accessTables: ModuleDescriptor = { name: "access", tables: [{ name: "api_key", orderBy: "id" }] };

/** The modules that own entities. Adding an entity adds its module here, one line. */
const DOMAIN: readonly ModuleDescriptor[] = [
  geographyModule,
  organisationsModule,
  governanceModule,
  gapsModule,
  peopleModule,
  knowledgeModule,
];

/**
 * Every module of the API, once: the domain, then the modules that work across it (search over
 * the domain's search sources, sync, node, the audit trail, the rate-limit state). The schema, the loaders, `node`, the
 * audit trail, search, export/import and the access matrix follow from the descriptors.
 */
export const MODULES: readonly ModuleDescriptor[] = [
  ...DOMAIN,
  createSearchModule(DOMAIN),
  syncModule,
  nodeModule,
  accessTables,
  auditModule,
  rateLimitModule,
];
