import { Prisma } from "../../generated/prisma/client";
import { foundAs, type ModuleDescriptor } from "../../graphql/module";
import { KnowledgeGapResolver } from "./knowledge.gaps";
import { createKnowledgeLoaders } from "./knowledge.loaders";
import { KnowledgeMutations } from "./knowledge.mutations";
import {
  FollowUpResolver,
  FollowUpValueResolver,
  ImplementationMatrixCellResolver,
  ImplementationResolver,
  KnowledgeSupportResolver,
  MunicipalityImplementationsResolver,
  RegionImplementationsResolver,
} from "./knowledge.resolver";
import { FollowUp, Implementation, KnowledgeSupport } from "./knowledge.types";

export { FollowUp, Implementation, KnowledgeSupport };

/**
 * The knowledge-support register (kunskapsstöd), its implementation (införande) in regions and
 * municipalities and its follow-up (uppföljning).
 */
export const knowledgeModule: ModuleDescriptor = {
  name: "knowledge",
  resolvers: [
    KnowledgeSupportResolver,
    ImplementationResolver,
    FollowUpResolver,
    FollowUpValueResolver,
    ImplementationMatrixCellResolver,
    RegionImplementationsResolver,
    MunicipalityImplementationsResolver,
    KnowledgeGapResolver,
    KnowledgeMutations,
  ],
  loaders: createKnowledgeLoaders,
  nodeTypes: [
    { typeName: "KnowledgeSupport", fetch: (loaders, id) => loaders.knowledgeSupportById.load(id) },
    { typeName: "Implementation", fetch: (loaders, id) => loaders.implementationById.load(id) },
    { typeName: "FollowUp", fetch: (loaders, id) => loaders.followUpById.load(id) },
  ],
  auditEntities: [
    {
      entity: "KNOWLEDGE_SUPPORT",
      typeNames: ["KnowledgeSupport"],
      fetch: (loaders, id) => foundAs("KnowledgeSupport", loaders.knowledgeSupportById.load(id)),
    },
    {
      entity: "IMPLEMENTATION",
      typeNames: ["Implementation"],
      fetch: (loaders, id) => foundAs("Implementation", loaders.implementationById.load(id)),
    },
    {
      entity: "FOLLOW_UP",
      typeNames: ["FollowUp"],
      fetch: (loaders, id) => foundAs("FollowUp", loaders.followUpById.load(id)),
    },
  ],
  searchSources: [
    {
      kind: "KNOWLEDGE_SUPPORT",
      // Tier 5: at equal scores after groups, people and organisations, so a search for a word of a
      // program area's name still lists the structure first.
      description: "Knowledge support (kunskapsstöd), by name or a former name.",
      types: () => [KnowledgeSupport],
      candidates: ({ like, folded, everyWord }) => Prisma.sql`
        SELECT 'KNOWLEDGE_SUPPORT', ks.id, ks.name, 5, kg_fold(ks.name),
               coalesce((SELECT kg_fold(n.name) FROM knowledge_support_name n
                          WHERE n.knowledge_support_id = ks.id AND kg_fold(n.name) LIKE ${like} LIMIT 1), '')
          FROM knowledge_support ks
         WHERE kg_fold(ks.name) LIKE ${like} OR ${folded} <% kg_fold(ks.name) OR ${everyWord(Prisma.sql`kg_fold(ks.name)`)}
            OR ks.id IN (SELECT n.knowledge_support_id FROM knowledge_support_name n WHERE kg_fold(n.name) LIKE ${like})`,
      hydrate: (loaders, id) => foundAs("KnowledgeSupport", loaders.knowledgeSupportById.load(id)),
    },
  ],
  tables: [
    { name: "knowledge_support", orderBy: "id", dependsOn: ["governance_group", "organisation"] },
    {
      name: "knowledge_support_program_area",
      orderBy: "knowledge_support_id, program_area_id",
      dependsOn: ["knowledge_support", "governance_group"],
    },
    { name: "knowledge_support_state", orderBy: "id", dependsOn: ["knowledge_support"] },
    { name: "knowledge_support_version", orderBy: "id", dependsOn: ["knowledge_support"] },
    { name: "knowledge_support_name", orderBy: "id", dependsOn: ["knowledge_support"] },
    {
      name: "implementation",
      orderBy: "id",
      dependsOn: ["knowledge_support", "region", "municipality", "governance_group"],
    },
    {
      name: "implementation_municipality",
      orderBy: "implementation_id, municipality_code",
      dependsOn: ["implementation", "municipality"],
    },
    { name: "implementation_status", orderBy: "id", dependsOn: ["implementation"] },
    { name: "follow_up", orderBy: "id", dependsOn: ["knowledge_support"] },
    { name: "follow_up_value", orderBy: "id", dependsOn: ["follow_up", "region"] },
  ],
  mutations: [
    { name: "createKnowledgeSupport", scopes: ["write"] },
    { name: "updateKnowledgeSupport", scopes: ["write"] },
    { name: "createImplementation", scopes: ["write", "write:region"] },
    { name: "updateImplementation", scopes: ["write", "write:region"] },
    { name: "createFollowUp", scopes: ["write"] },
    { name: "updateFollowUp", scopes: ["write"] },
    { name: "reportFollowUpValue", scopes: ["write", "write:region"] },
    { name: "syncImplementationStatuses", scopes: ["write", "write:region"] },
  ],
};
