import { Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { GroupRow } from "./governance.loaders";
import type { Context } from "../../graphql/context";
import { inNameOrder, NAME_ORDER } from "../../graphql/order";
import { toGlobalId } from "../../graphql/global-id";
import { HealthcareRegion, Municipality, Region } from "../geography";
import { Organisation, type OrganisationRow } from "../organisations";
import { ActiveOnArgs, dayOf, today } from "../../graphql/period";
import { isInForce } from "../../db/period";
import { paginate, toConnection, type ConnectionOf } from "../../graphql/pagination";
import { GroupOrderField, GroupsArgs, OrderDirection } from "./groups.args";
import { ChairArgs, MembersArgs } from "../people";
import { withRole } from "../people";
import { memberOrder } from "../people";
import { Membership, MembershipConnection } from "../people";
import { NationalProgramAreasArgs, SlugArgs } from "./governance.args";
import { GovernanceService } from "./governance.service";
import {
  GovernanceGroup,
  FormerName,
  GovernanceGroupConnection,
  GroupParticipant,
  GroupPhase,
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

type Row = GroupRow;

/** Fields every governance body has, inherited by each implementing type. */
@Resolver(() => GovernanceGroup)
export class GovernanceGroupResolver {
  @FieldResolver(() => ID)
  id(@Root() group: Row): string {
    return toGlobalId(typeNameOfKind(group.kind), group.id);
  }

  @FieldResolver(() => [String])
  sources(
    @Root() group: Row | { id: string; sources: string[] },
    @Ctx() { loaders }: Context,
  ): string[] | Promise<string[]> {
    // Rows a mutation returns have them; the read path leaves them out unless asked.
    return "sources" in group ? group.sources : loaders.groupSourcesById.load(group.id);
  }

  @FieldResolver(() => [OtherName])
  async otherNames(@Root() group: Row, @Ctx() { loaders }: Context): Promise<OtherName[]> {
    return inNameOrder(await loaders.otherNamesByGroupId.load(group.id), (name) => name.kind);
  }

  @FieldResolver(() => [GroupParticipant], {
    description:
      "Organisations taking part as such on `activeOn` (default today; null for every period): members first, then participants, by name. E.g. the nine agencies of Rådet för styrning med kunskap.",
  })
  participants(
    @Root() group: Row,
    @Args() { activeOn }: ActiveOnArgs,
    @Ctx() { loaders }: Context,
  ): Promise<GroupParticipant[]> {
    return loaders.participantsByGroupId({ day: dayOf(activeOn) }).load(group.id);
  }

  @FieldResolver(() => [FormerName])
  formerNames(@Root() group: Row, @Ctx() { loaders }: Context): Promise<FormerName[]> {
    return loaders.formerNamesByGroupId.load(group.id);
  }

  @FieldResolver(() => [GroupPhase])
  phases(@Root() group: Row, @Ctx() { loaders }: Context): Promise<GroupPhase[]> {
    return loaders.phasesByGroupId.load(group.id);
  }

  @FieldResolver(() => GovernanceGroup, {
    nullable: true,
    description:
      "The body that appointed it: an NPO or NSG for a NAG, an RPO for a RAG, an LPO for a LAG; null for other kinds.",
  })
  parent(@Root() group: Row, @Ctx() { loaders }: Context): Promise<Row | null> | null {
    return group.parentId ? loaders.groupById.load(group.parentId) : null;
  }

  @FieldResolver(() => [WorkingGroup], {
    description: `Working groups it has appointed (NAG, RAG or LAG) in force on \`activeOn\` (default today), ${NAME_ORDER}.`,
  })
  async workingGroups(
    @Root() group: Row,
    @Args() { activeOn }: ActiveOnArgs,
    @Ctx() { loaders }: Context,
  ): Promise<Row[]> {
    const day = dayOf(activeOn);
    return inNameOrder(
      (await loaders.workingGroupsByParentId.load(group.id)).filter((workingGroup) => isInForce(workingGroup, day)),
    );
  }

  @FieldResolver(() => [NationalProgramArea], {
    description: `The national program area(s) it mirrors, ${NAME_ORDER}: an RPO's NPO, an LPO's NPO(s), a knowledge council's focus areas. Empty for the NPOs themselves and bodies that mirror none.`,
  })
  async programAreas(@Root() group: Row, @Ctx() { loaders }: Context): Promise<Row[]> {
    if (group.programAreaId)
      return [await loaders.groupById.load(group.programAreaId)].filter((area): area is Row => area !== null);
    return inNameOrder(await loaders.programAreasByGroupId.load(group.id));
  }

  @FieldResolver(() => HealthcareRegion, {
    nullable: true,
    description: "Scope: the healthcare region a healthcare-regional body (RPO, RAG) works in; null at other levels.",
  })
  healthcareRegion(@Root() group: Row, @Ctx() { loaders }: Context): Promise<HealthcareRegion | null> | null {
    return group.healthcareRegionId ? loaders.healthcareRegionById.load(group.healthcareRegionId) : null;
  }

  @FieldResolver(() => Region, {
    nullable: true,
    description: "Scope: the region a regional body (LPO, LAG, a regional council) works in; null at other levels.",
  })
  region(@Root() group: Row, @Ctx() { loaders }: Context): Promise<Region | null> | null {
    return group.countyCode ? loaders.regionByCountyCode.load(group.countyCode) : null;
  }

  @FieldResolver(() => [Municipality], {
    description: `Scope: municipalities taking part as such, e.g. in a joint LPO or a knowledge council; ${NAME_ORDER}.`,
  })
  async municipalities(@Root() group: Row, @Ctx() { loaders }: Context): Promise<Municipality[]> {
    return inNameOrder(await loaders.participatingMunicipalitiesByGroupId.load(group.id));
  }

  @FieldResolver(() => Organisation, {
    nullable: true,
    description:
      "The organisation holding the active värdskap (hosting) today, e.g. a healthcare region or SKR; null where none is recorded.",
  })
  host(@Root() group: Row, @Ctx() { loaders }: Context): Promise<OrganisationRow | null> {
    return loaders.currentHostByGroupId.load(group.id);
  }

  @FieldResolver(() => [Hosting], { description: "The värdskap (hosting) over time, active and dormant." })
  hostings(@Root() group: Row, @Ctx() { loaders }: Context): Promise<Hosting[]> {
    return loaders.hostingsByGroupId.load(group.id);
  }

  @FieldResolver(() => [GovernanceGroup], {
    description: `Structures it is linked to, e.g. HälSam for Västernorrland's joint LPOs; ${NAME_ORDER}.`,
  })
  async linkedGroups(@Root() group: Row, @Ctx() { loaders }: Context): Promise<Row[]> {
    return inNameOrder(await loaders.linkedGroupsByGroupId.load(group.id));
  }

  @FieldResolver(() => MembershipConnection, {
    description: "Members in force on `activeOn` (default today): chair first, then by role and name.",
  })
  async members(
    @Root() group: Row,
    @Args() args: MembersArgs,
    @Ctx() { loaders }: Context,
  ): Promise<MembershipConnection> {
    const memberships = withRole(
      await loaders.membershipsByGroupId({ day: dayOf(args.activeOn) }).load(group.id),
      args.role,
    );
    return toConnection(paginate(memberships, args, "members", memberOrder));
  }

  @FieldResolver(() => Membership, {
    nullable: true,
    description: "The chair's membership on `activeOn` (default today); null when the seat is empty or not recorded.",
  })
  async chair(
    @Root() group: Row,
    @Args() { activeOn }: ChairArgs,
    @Ctx() { loaders }: Context,
  ): Promise<Membership | null> {
    const memberships = await loaders.membershipsByGroupId({ day: activeOn ?? today() }).load(group.id);
    return withRole(memberships, "CHAIR")[0] ?? null;
  }

  @Query(() => GovernanceGroupConnection, {
    description: `Governance bodies at every level, filtered and ordered, a page at a time. Without a filter: every body in force today, ${NAME_ORDER}.`,
  })
  async groups(@Args() args: GroupsArgs, @Ctx() { prisma }: Context): Promise<ConnectionOf<Row>> {
    const order = args.orderBy ?? { field: GroupOrderField.NAME, direction: OrderDirection.ASC };
    return toConnection(await new GovernanceService(prisma).groups(args.filter ?? {}, order, args));
  }

  @Query(() => GovernanceGroup, {
    nullable: true,
    description: "Any governance body by slug, e.g. `lpo-22-psykisk-halsa`; null when there is none.",
  })
  group(@Args() { slug }: SlugArgs, @Ctx() { loaders }: Context): Promise<Row | null> {
    return loaders.groupBySlug.load(slug);
  }

  @Query(() => [StructureCount], {
    description:
      "Official counts of NPOs, NSGs and the primärvårdsråd on `activeOn` (default today) beside what is recorded and in force that day, flagging bodies missing from the data: e.g. 24 NPOs in 2019, 26 now.",
  })
  structureCounts(@Args() { activeOn }: ActiveOnArgs, @Ctx() { prisma }: Context): Promise<StructureCount[]> {
    return new GovernanceService(prisma).structureCounts(activeOn ?? today());
  }
}

@Resolver(() => NationalProgramArea)
export class NationalProgramAreaResolver {
  @Query(() => [NationalProgramArea], { description: `The national program areas (NPO), ${NAME_ORDER}.` })
  async nationalProgramAreas(
    @Args() { includePrimaryCareCouncil }: NationalProgramAreasArgs,
    @Ctx() { prisma }: Context,
  ): Promise<Row[]> {
    return inNameOrder(await new GovernanceService(prisma).nationalProgramAreas(includePrimaryCareCouncil));
  }

  @Query(() => NationalProgramArea, {
    nullable: true,
    description: "One NPO (or the primärvårdsråd) by slug, e.g. `psykisk-halsa`; null when there is none.",
  })
  nationalProgramArea(@Args() { slug }: SlugArgs, @Ctx() { prisma }: Context): Promise<Row | null> {
    return new GovernanceService(prisma).nationalProgramArea(slug);
  }

  @FieldResolver(() => [RegionalProgramArea], { description: `Its RPOs, one per healthcare region, ${NAME_ORDER}.` })
  async regionalProgramAreas(@Root() npo: Row, @Ctx() { loaders }: Context): Promise<Row[]> {
    return inNameOrder(await loaders.regionalProgramAreasByProgramAreaId.load(npo.id));
  }

  @FieldResolver(() => [LocalProgramArea], { description: `The LPOs in the regions that mirror it, ${NAME_ORDER}.` })
  async localProgramAreas(@Root() npo: Row, @Ctx() { loaders }: Context): Promise<Row[]> {
    return inNameOrder(await loaders.localProgramAreasByProgramAreaId.load(npo.id));
  }
}

@Resolver(() => NationalCollaborationGroup)
export class NationalCollaborationGroupResolver {
  @Query(() => [NationalCollaborationGroup], {
    description: `The national collaboration groups (NSG), ${NAME_ORDER}.`,
  })
  async nationalCollaborationGroups(@Ctx() { prisma }: Context): Promise<Row[]> {
    return inNameOrder(await new GovernanceService(prisma).nationalCollaborationGroups());
  }
}

@Resolver(() => RegionalProgramArea)
export class RegionalProgramAreaResolver {
  @FieldResolver(() => NationalProgramArea, { description: "The NPO this RPO mirrors." })
  nationalProgramArea(@Root() rpo: Row, @Ctx() { loaders }: Context): Promise<Row | null> | null {
    return rpo.programAreaId ? loaders.groupById.load(rpo.programAreaId) : null;
  }
}

@Resolver(() => LocalProgramArea)
export class LocalProgramAreaResolver {
  @FieldResolver(() => [NationalProgramArea], {
    description: `The NPO(s) this LPO mirrors, ${NAME_ORDER}; a region may merge two fields in one LPO.`,
    deprecationReason: "Use `programAreas`, which every GovernanceGroup has.",
  })
  async nationalProgramAreas(@Root() lpo: Row, @Ctx() { loaders }: Context): Promise<Row[]> {
    return inNameOrder(await loaders.programAreasByGroupId.load(lpo.id));
  }
}

@Resolver(() => WorkingGroup)
export class WorkingGroupResolver {
  @FieldResolver(() => GovernanceGroup, {
    nullable: true,
    description: "The body that appointed it.",
    deprecationReason: "Use `parent`, which every GovernanceGroup has.",
  })
  appointedBy(@Root() group: Row, @Ctx() { loaders }: Context): Promise<Row | null> | null {
    return group.parentId ? loaders.groupById.load(group.parentId) : null;
  }
}

@Resolver(() => Hosting)
export class HostingResolver {
  @FieldResolver(() => Organisation, { description: "The host: a healthcare region (as organisation) or SKR." })
  organisation(@Root() hosting: Hosting, @Ctx() { loaders }: Context): Promise<OrganisationRow | null> {
    return loaders.organisationById.load(hosting.organisationId);
  }
}

@Resolver(() => GroupParticipant)
export class GroupParticipantResolver {
  @FieldResolver(() => Organisation, { description: "The organisation taking part." })
  async organisation(@Root() participant: GroupParticipant, @Ctx() { loaders }: Context): Promise<OrganisationRow> {
    const organisation = await loaders.organisationById.load(participant.organisationId);
    if (!organisation) throw new Error(`Participation names organisation ${participant.organisationId}, which is gone`);
    return organisation;
  }
}
