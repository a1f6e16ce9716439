import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { GeographyResolvers } from "../modules/geography";
import { GovernanceResolvers } from "../modules/governance";
import { OrganisationResolvers } from "../modules/organisations";
import { GovernanceBody, LocalProgramArea, NationalCollaborationGroup, NationalProgramArea, RegionalProgramArea, WorkingGroup } from "../modules/governance/governance.types";

let schema: Promise<GraphQLSchema> | undefined;

/** The executable schema, built once from the decorated classes. */
export function buildGraphQLSchema(): Promise<GraphQLSchema> {
  schema ??= buildSchema({
    resolvers: [...GeographyResolvers, ...GovernanceResolvers, ...OrganisationResolvers],
    orphanedTypes: [NationalProgramArea, NationalCollaborationGroup, RegionalProgramArea, LocalProgramArea, WorkingGroup, GovernanceBody],
    validate: { forbidUnknownValues: false },
  });
  return schema;
}
