import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { GapsResolvers } from "../modules/gaps";
import { GeographyResolvers } from "../modules/geography";
import { GovernanceResolvers } from "../modules/governance";
import { NodeResolvers } from "../modules/node";
import { OrganisationResolvers } from "../modules/organisations";
import { PeopleResolvers } from "../modules/people";
import { SearchResolvers } from "../modules/search";
import { SyncResolvers } from "../modules/sync";
import { AuditResolvers } from "../modules/audit";
import { GovernanceBody, LocalProgramArea, NationalCollaborationGroup, NationalProgramArea, RegionalProgramArea, WorkingGroup } from "../modules/governance/governance.types";

let schema: Promise<GraphQLSchema> | undefined;

/** The executable schema, built once from the decorated classes. */
export function buildGraphQLSchema(): Promise<GraphQLSchema> {
  schema ??= buildSchema({
    resolvers: [...NodeResolvers, ...GeographyResolvers, ...GovernanceResolvers, ...OrganisationResolvers, ...PeopleResolvers, ...SearchResolvers, ...GapsResolvers, ...SyncResolvers, ...AuditResolvers],
    orphanedTypes: [NationalProgramArea, NationalCollaborationGroup, RegionalProgramArea, LocalProgramArea, WorkingGroup, GovernanceBody],
    validate: { forbidUnknownValues: false },
  });
  return schema;
}
