import { AuditEventResolver, ChangeResolver } from "./audit.resolver";

export const AuditResolvers = [AuditEventResolver, ChangeResolver] as const;
