import { Prisma } from "../../generated/prisma/client";
import { GROUP_TYPE_NAMES } from "../../graphql/global-id";
import type { ModuleDescriptor, NodeType } from "../../graphql/module";
import type { Loaders } from "../../graphql/module";
import {
  GovernanceGroupResolver,
  GroupParticipantResolver,
  HostingResolver,
  LocalProgramAreaResolver,
  NationalCollaborationGroupResolver,
  NationalProgramAreaResolver,
  RegionalProgramAreaResolver,
  WorkingGroupResolver,
} from "./governance.resolver";
import { GovernanceChainResolver } from "./chain.resolver";
import {
  HealthcareRegionGroupsResolver,
  OrganisationNamesResolver,
  RegionGroupsResolver,
} from "./geography-fields.resolver";
import { createGovernanceLoaders } from "./governance.loaders";
import {
  GovernanceBody,
  LocalProgramArea,
  NationalCollaborationGroup,
  NationalProgramArea,
  RegionalProgramArea,
  typeNameOfKind,
  WorkingGroup,
} from "./governance.types";
import { MembershipGroupResolver } from "./membership-fields.resolver";
import { MunicipalityGroupsResolver } from "./municipality-groups.resolver";
import { GroupMutations } from "./group.mutations";

export { type GroupRow } from "./governance.loaders";
export {
  GovernanceBody,
  GovernanceGroup,
  LocalProgramArea,
  NationalCollaborationGroup,
  NationalProgramArea,
  RegionalProgramArea,
  WorkingGroup,
} from "./governance.types";

/** A group with the type its kind is shown as. */
async function groupOf(loaders: Loaders, id: string): Promise<{ typeName: string; row: object } | null> {
  const group = await loaders.groupById.load(id);
  return group && { typeName: typeNameOfKind(group.kind), row: group };
}

/** A group's global ID must name the type its kind maps to. */
const groupNodeTypes = GROUP_TYPE_NAMES.map((typeName): NodeType => ({
  typeName,
  fetch: async (loaders, id) => {
    const group = await groupOf(loaders, id);
    return group?.typeName === typeName ? group.row : null;
  },
}));

/** Governance bodies at every level (NPO, RPO, LPO, working groups, councils), their hosting and relations. */
export const governanceModule: ModuleDescriptor = {
  name: "governance",
  resolvers: [
    GovernanceGroupResolver,
    GroupParticipantResolver,
    NationalProgramAreaResolver,
    NationalCollaborationGroupResolver,
    RegionalProgramAreaResolver,
    LocalProgramAreaResolver,
    WorkingGroupResolver,
    HostingResolver,
    MunicipalityGroupsResolver,
    HealthcareRegionGroupsResolver,
    OrganisationNamesResolver,
    RegionGroupsResolver,
    MembershipGroupResolver,
    GovernanceChainResolver,
    GroupMutations,
  ],
  orphanedTypes: [
    NationalProgramArea,
    NationalCollaborationGroup,
    RegionalProgramArea,
    LocalProgramArea,
    WorkingGroup,
    GovernanceBody,
  ],
  loaders: createGovernanceLoaders,
  nodeTypes: groupNodeTypes,
  auditEntities: [{ entity: "GROUP", typeNames: GROUP_TYPE_NAMES, fetch: groupOf }],
  searchSources: [
    {
      kind: "GROUP",
      description: "Governance bodies at every level.",
      types: () => [
        NationalProgramArea,
        NationalCollaborationGroup,
        RegionalProgramArea,
        LocalProgramArea,
        WorkingGroup,
        GovernanceBody,
      ],
      candidates: ({ like, folded, everyWord }) => Prisma.sql`
        SELECT 'GROUP', g.id, g.name,
               CASE g.level WHEN 'NATIONAL' THEN 0 WHEN 'HEALTHCARE_REGIONAL' THEN 1 ELSE 2 END,
               kg_fold(g.name), coalesce(kg_fold(g.short_name), '')
          FROM governance_group g
         WHERE kg_fold(g.name) LIKE ${like} OR kg_fold(g.short_name) LIKE ${like} OR ${folded} <% kg_fold(g.name)
            OR ${everyWord(Prisma.sql`kg_fold(g.name)`)}
        UNION ALL
        SELECT 'GROUP', g.id, g.name,
               CASE g.level WHEN 'NATIONAL' THEN 0 WHEN 'HEALTHCARE_REGIONAL' THEN 1 ELSE 2 END,
               kg_fold(n.name), ''
          FROM other_name n JOIN governance_group g ON g.id = n.group_id
         WHERE kg_fold(n.name) LIKE ${like} OR ${folded} <% kg_fold(n.name) OR ${everyWord(Prisma.sql`kg_fold(n.name)`)}`,
      hydrate: groupOf,
    },
  ],
  tables: [
    {
      name: "governance_group",
      orderBy: "id",
      dependsOn: ["region", "healthcare_region"],
      selfReferences: ["parent_id", "program_area_id"],
    },
    { name: "group_mirror", orderBy: "group_id, program_area_id", dependsOn: ["governance_group"] },
    { name: "hosting", orderBy: "id", dependsOn: ["governance_group", "organisation"] },
    { name: "group_participation", orderBy: "id", dependsOn: ["governance_group", "organisation"] },
    { name: "group_relation", orderBy: "from_group_id, to_group_id, kind", dependsOn: ["governance_group"] },
    { name: "other_name", orderBy: "id", dependsOn: ["governance_group", "healthcare_region", "organisation"] },
    { name: "group_phase", orderBy: "id", dependsOn: ["governance_group"] },
    { name: "expected_count", orderBy: "kind, as_of" },
  ],
  mutations: [
    { name: "createGroup", scopes: ["write", "write:region"] },
    { name: "updateGroup", scopes: ["write", "write:region"] },
    { name: "dissolveGroup", scopes: ["write", "write:region"] },
  ],
};
