import type { ModuleDescriptor } from "../../graphql/module";
import { AuditEventResolver, ChangeResolver } from "./audit.resolver";

/** The audit trail and the change feed, shown through the modules' audit entities (ModuleDescriptor.auditEntities). */
export const auditModule: ModuleDescriptor = {
  name: "audit",
  resolvers: [AuditEventResolver, ChangeResolver],
  tables: [{ name: "audit_event", orderBy: "id" }],
};
