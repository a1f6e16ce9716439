import { Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { Group } from "../../generated/prisma/client";
import type { Context } from "../../graphql/context";
import { toGlobalId } from "../../graphql/global-id";
import { HealthcareRegion, Municipality, Region } from "../geography/geography.types";
import { Organisation } from "../organisations/organisation.types";
import { NationalProgramAreasArgs, SlugArgs } from "./governance.args";
import { GovernanceService } from "./governance.service";
import {
  GovernanceGroup,
  Hosting,
  LocalProgramArea,
  NationalCollaborationGroup,
  NationalProgramArea,
  OtherName,
  RegionalProgramArea,
  StructureCount,
  typeNameOfKind,
  WorkingGroup,
} from "./governance.types";

type Row = Group;

/** Fields every governance body has, inherited by each implementing type. */
@Resolver(() => GovernanceGroup)
export class GovernanceGroupResolver {
  @FieldResolver(() => ID)
  id(@Root() group: Row): string {
    return toGlobalId(typeNameOfKind(group.kind), group.id);
  }

  @FieldResolver(() => [OtherName])
  otherNames(@Root() group: Row, @Ctx() { loaders }: Context): Promise<OtherName[]> {
    return loaders.otherNamesByGroupId.load(group.id);
  }

  @Query(() => [StructureCount], { description: "Official counts of NPOs, NSGs and the primärvårdsråd beside what is recorded, flagging bodies missing from the data." })
  structureCounts(@Ctx() { prisma }: Context): Promise<StructureCount[]> {
    return new GovernanceService(prisma).structureCounts();
  }
}

@Resolver(() => NationalProgramArea)
export class NationalProgramAreaResolver {
  @Query(() => [NationalProgramArea], { description: "The national program areas (NPO), by name." })
  nationalProgramAreas(@Args() { includePrimaryCareCouncil }: NationalProgramAreasArgs, @Ctx() { prisma }: Context): Promise<Row[]> {
    return new GovernanceService(prisma).nationalProgramAreas(includePrimaryCareCouncil);
  }

  @Query(() => NationalProgramArea, { nullable: true, description: "One NPO (or the primärvårdsråd) by slug, e.g. `psykisk-halsa`; null when there is none." })
  nationalProgramArea(@Args() { slug }: SlugArgs, @Ctx() { prisma }: Context): Promise<Row | null> {
    return new GovernanceService(prisma).nationalProgramArea(slug);
  }

  @FieldResolver(() => [RegionalProgramArea], { description: "Its RPOs, one per healthcare region." })
  regionalProgramAreas(@Root() npo: Row, @Ctx() { loaders }: Context): Promise<Row[]> {
    return loaders.regionalProgramAreasByProgramAreaId.load(npo.id);
  }

  @FieldResolver(() => [LocalProgramArea], { description: "The LPOs in the regions that mirror it." })
  localProgramAreas(@Root() npo: Row, @Ctx() { loaders }: Context): Promise<Row[]> {
    return loaders.localProgramAreasByProgramAreaId.load(npo.id);
  }

  @FieldResolver(() => [WorkingGroup], { description: "National working groups (NAG) it has appointed." })
  workingGroups(@Root() npo: Row, @Ctx() { loaders }: Context): Promise<Row[]> {
    return loaders.workingGroupsByParentId.load(npo.id);
  }

  @FieldResolver(() => Organisation, { nullable: true, description: "The organisation holding the active värdskap today: a healthcare region or SKR; null where unknown." })
  host(@Root() npo: Row, @Ctx() { loaders }: Context): Promise<Organisation | null> {
    return loaders.currentHostByGroupId.load(npo.id);
  }

  @FieldResolver(() => [Hosting], { description: "The värdskap over time, active and dormant." })
  hostings(@Root() npo: Row, @Ctx() { loaders }: Context): Promise<Hosting[]> {
    return loaders.hostingsByGroupId.load(npo.id);
  }
}

@Resolver(() => NationalCollaborationGroup)
export class NationalCollaborationGroupResolver {
  @Query(() => [NationalCollaborationGroup], { description: "The national collaboration groups (NSG), by name." })
  nationalCollaborationGroups(@Ctx() { prisma }: Context): Promise<Row[]> {
    return new GovernanceService(prisma).nationalCollaborationGroups();
  }

  @FieldResolver(() => [WorkingGroup], { description: "National working groups (NAG) it has appointed." })
  workingGroups(@Root() nsg: Row, @Ctx() { loaders }: Context): Promise<Row[]> {
    return loaders.workingGroupsByParentId.load(nsg.id);
  }

  @FieldResolver(() => Organisation, { nullable: true, description: "The organisation holding the active värdskap today; null where unknown." })
  host(@Root() nsg: Row, @Ctx() { loaders }: Context): Promise<Organisation | null> {
    return loaders.currentHostByGroupId.load(nsg.id);
  }
}

@Resolver(() => RegionalProgramArea)
export class RegionalProgramAreaResolver {
  @FieldResolver(() => NationalProgramArea, { description: "The NPO this RPO mirrors." })
  nationalProgramArea(@Root() rpo: Row, @Ctx() { loaders }: Context): Promise<Row | null> | null {
    return rpo.programAreaId ? loaders.groupById.load(rpo.programAreaId) : null;
  }

  @FieldResolver(() => HealthcareRegion, { description: "The healthcare region it works in." })
  healthcareRegion(@Root() rpo: Row, @Ctx() { loaders }: Context): Promise<HealthcareRegion | null> | null {
    return rpo.healthcareRegionId ? loaders.healthcareRegionById.load(rpo.healthcareRegionId) : null;
  }

  @FieldResolver(() => [WorkingGroup], { description: "Regional working groups (RAG) it has appointed." })
  workingGroups(@Root() rpo: Row, @Ctx() { loaders }: Context): Promise<Row[]> {
    return loaders.workingGroupsByParentId.load(rpo.id);
  }
}

@Resolver(() => LocalProgramArea)
export class LocalProgramAreaResolver {
  @FieldResolver(() => [NationalProgramArea], { description: "The NPO(s) this LPO mirrors; a region may merge two fields in one LPO." })
  nationalProgramAreas(@Root() lpo: Row, @Ctx() { loaders }: Context): Promise<Row[]> {
    return loaders.programAreasByGroupId.load(lpo.id);
  }

  @FieldResolver(() => Region, { description: "The region it belongs to." })
  region(@Root() lpo: Row, @Ctx() { loaders }: Context): Promise<Region | null> | null {
    return lpo.countyCode ? loaders.regionByCountyCode.load(lpo.countyCode) : null;
  }

  @FieldResolver(() => [Municipality], { description: "Municipalities taking part, where the LPO is joint with the county's municipalities." })
  municipalities(@Root() lpo: Row, @Ctx() { loaders }: Context): Promise<Municipality[]> {
    return loaders.participatingMunicipalitiesByGroupId.load(lpo.id);
  }

  @FieldResolver(() => [GovernanceGroup], { description: "Structures it is linked to, e.g. HälSam for Västernorrland's joint LPOs." })
  linkedGroups(@Root() lpo: Row, @Ctx() { loaders }: Context): Promise<Row[]> {
    return loaders.linkedGroupsByGroupId.load(lpo.id);
  }

  @FieldResolver(() => [WorkingGroup], { description: "Local working groups (LAG) it has appointed." })
  workingGroups(@Root() lpo: Row, @Ctx() { loaders }: Context): Promise<Row[]> {
    return loaders.workingGroupsByParentId.load(lpo.id);
  }
}

@Resolver(() => WorkingGroup)
export class WorkingGroupResolver {
  @FieldResolver(() => GovernanceGroup, { nullable: true, description: "The body that appointed it: an NPO or NSG for a NAG, an RPO for a RAG, an LPO for a LAG." })
  appointedBy(@Root() group: Row, @Ctx() { loaders }: Context): Promise<Row | null> | null {
    return group.parentId ? loaders.groupById.load(group.parentId) : null;
  }
}

@Resolver(() => Hosting)
export class HostingResolver {
  @FieldResolver(() => Organisation, { description: "The host: a healthcare region (as organisation) or SKR." })
  organisation(@Root() hosting: Hosting, @Ctx() { loaders }: Context): Promise<Organisation | null> {
    return loaders.organisationById.load(hosting.organisationId);
  }
}
