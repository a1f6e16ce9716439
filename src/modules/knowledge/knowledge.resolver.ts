import { inNameOrder, NAME_ORDER } from "../../graphql/order";
import { Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { isInForce } from "../../db/period";
import type { Context } from "../../graphql/context";
import { toGlobalId } from "../../graphql/global-id";
import { toConnection, type ConnectionOf } from "../../graphql/pagination";
import { today } from "../../graphql/period";
import { Municipality, Region, type MunicipalityRow, type RegionRow } from "../geography";
import { GovernanceGroup, type GroupRow } from "../governance";
import { Organisation, type OrganisationRow } from "../organisations";
import {
  AsOfArgs,
  ImplementationMatrixArgs,
  ImplementationsArgs,
  ImplementationStatusArgs,
  KnowledgeSupportsArgs,
  KnowledgeSupportSlugArgs,
  LatestValuesArgs,
} from "./knowledge.args";
import { KnowledgeService } from "./knowledge.service";
import {
  FollowUp,
  FollowUpValue,
  Implementation,
  ImplementationMatrixCell,
  ImplementationMatrixRow,
  ImplementationStatusPeriod,
  KnowledgeSupport,
  KnowledgeSupportConnection,
  KnowledgeSupportFormerName,
  KnowledgeSupportStatePeriod,
  KnowledgeSupportVersion,
  type FollowUpRow,
  type FollowUpValueRow,
  type ImplementationRow,
  type KnowledgeSupportRow,
  type StatePeriodRow,
  type StatusPeriodRow,
} from "./knowledge.types";

/** The period in force on `day` of a history, or null. */
function periodOn<Row extends { validFrom: Date | null; validTo: Date | null }>(rows: Row[], day: Date): Row | null {
  return rows.find((period) => isInForce(period, day)) ?? null;
}

async function implementationsWithStatus(
  loaders: Context["loaders"],
  rows: ImplementationRow[],
  args: ImplementationStatusArgs,
): Promise<ImplementationRow[]> {
  const wanted = args.status;
  if (!wanted?.length) return rows;
  const day = args.asOf ?? today();
  const histories = await loaders.implementationStatuses.loadMany(rows.map((found) => found.id));
  return rows.filter((_, index) => {
    const history = histories[index];
    if (!Array.isArray(history)) return false;
    return wanted.includes(periodOn(history, day)?.status ?? "NOT_DECIDED");
  });
}

@Resolver(() => KnowledgeSupport)
export class KnowledgeSupportResolver {
  @Query(() => KnowledgeSupportConnection, {
    description:
      "The register of knowledge support (kunskapsstöd), filtered, by name, a page at a time: per program area, owner, kind, lifecycle state on a day, or words of the name or a former name.",
  })
  async knowledgeSupports(
    @Args() args: KnowledgeSupportsArgs,
    @Ctx() { prisma }: Context,
  ): Promise<ConnectionOf<KnowledgeSupportRow>> {
    return toConnection(await new KnowledgeService(prisma).knowledgeSupports(args.filter ?? {}, args));
  }

  @Query(() => KnowledgeSupport, {
    nullable: true,
    description: "A knowledge support by slug; null when there is none.",
  })
  knowledgeSupport(
    @Args() { slug }: KnowledgeSupportSlugArgs,
    @Ctx() { loaders }: Context,
  ): Promise<KnowledgeSupportRow | null> {
    return loaders.knowledgeSupportBySlug.load(slug);
  }

  @Query(() => [ImplementationMatrixRow], {
    description:
      "The implementation matrix of a program area: each knowledge support in use on `asOf` (published or under revision unless `states` says otherwise) × the 21 regions (or one, with `region`), with each region's status on that day. NOT_DECIDED marks a region with no decision recorded.",
  })
  implementationMatrix(
    @Args() args: ImplementationMatrixArgs,
    @Ctx() { prisma }: Context,
  ): Promise<ImplementationMatrixRow[]> {
    return new KnowledgeService(prisma).implementationMatrix(args);
  }

  @FieldResolver(() => ID)
  id(@Root() support: KnowledgeSupportRow): string {
    return toGlobalId("KnowledgeSupport", support.id);
  }

  @FieldResolver(() => GovernanceGroup, {
    nullable: true,
    description: "The owning group (an NPO, NSG or NAG), when a group owns it.",
  })
  ownerGroup(@Root() support: KnowledgeSupportRow, @Ctx() { loaders }: Context): Promise<GroupRow | null> | null {
    return support.ownerGroupId ? loaders.groupById.load(support.ownerGroupId) : null;
  }

  @FieldResolver(() => Organisation, { nullable: true, description: "The owning agency, when an agency owns it." })
  ownerOrganisation(
    @Root() support: KnowledgeSupportRow,
    @Ctx() { loaders }: Context,
  ): Promise<OrganisationRow | null> | null {
    return support.ownerOrganisationId ? loaders.organisationById.load(support.ownerOrganisationId) : null;
  }

  @FieldResolver(() => [GovernanceGroup], {
    description: `The program areas it belongs to (NPOs, the primary-care council), ${NAME_ORDER}.`,
  })
  async programAreas(@Root() support: KnowledgeSupportRow, @Ctx() { loaders }: Context): Promise<GroupRow[]> {
    const ids = await loaders.knowledgeSupportProgramAreaIds.load(support.id);
    const groups = await loaders.groupById.loadMany(ids);
    return inNameOrder(groups.filter((group): group is GroupRow => group !== null && !(group instanceof Error)));
  }

  @FieldResolver(() => KnowledgeSupportStatePeriod, {
    nullable: true,
    description: "Its lifecycle state on `asOf` (today when omitted); null before its recorded history.",
  })
  async state(
    @Root() support: KnowledgeSupportRow,
    @Args() { asOf }: AsOfArgs,
    @Ctx() { loaders }: Context,
  ): Promise<StatePeriodRow | null> {
    return periodOn(await loaders.knowledgeSupportStates.load(support.id), asOf ?? today());
  }

  @FieldResolver(() => [KnowledgeSupportStatePeriod], { description: "Its whole lifecycle, oldest first." })
  lifecycle(@Root() support: KnowledgeSupportRow, @Ctx() { loaders }: Context): Promise<StatePeriodRow[]> {
    return loaders.knowledgeSupportStates.load(support.id);
  }

  @FieldResolver(() => [KnowledgeSupportVersion], { description: "Its published versions, oldest first." })
  versions(@Root() support: KnowledgeSupportRow, @Ctx() { loaders }: Context): Promise<KnowledgeSupportVersion[]> {
    return loaders.knowledgeSupportVersions.load(support.id);
  }

  @FieldResolver(() => [KnowledgeSupportFormerName], { description: `Names it was known by before, ${NAME_ORDER}.` })
  async formerNames(
    @Root() support: KnowledgeSupportRow,
    @Ctx() { loaders }: Context,
  ): Promise<KnowledgeSupportFormerName[]> {
    return inNameOrder(await loaders.knowledgeSupportFormerNames.load(support.id), () => "");
  }

  @FieldResolver(() => [Implementation], {
    description: "Where it is being implemented (införande): regions and municipalities, by county code.",
  })
  async implementations(
    @Root() support: KnowledgeSupportRow,
    @Args() args: ImplementationsArgs,
    @Ctx() { loaders }: Context,
  ): Promise<ImplementationRow[]> {
    const rows = await loaders.implementationsOfKnowledgeSupport({ countyCode: args.region ?? null }).load(support.id);
    return implementationsWithStatus(loaders, rows, args);
  }

  @FieldResolver(() => [FollowUp], { description: "How it is followed up (uppföljning): its indicators." })
  followUps(@Root() support: KnowledgeSupportRow, @Ctx() { loaders }: Context): Promise<FollowUpRow[]> {
    return loaders.followUpsOfKnowledgeSupport.load(support.id);
  }
}

@Resolver(() => Implementation)
export class ImplementationResolver {
  @FieldResolver(() => ID)
  id(@Root() implementation: ImplementationRow): string {
    return toGlobalId("Implementation", implementation.id);
  }

  @FieldResolver(() => KnowledgeSupport, { description: "The knowledge support implemented." })
  async knowledgeSupport(
    @Root() implementation: ImplementationRow,
    @Ctx() { loaders }: Context,
  ): Promise<KnowledgeSupportRow> {
    const found = await loaders.knowledgeSupportById.load(implementation.knowledgeSupportId);
    if (!found) throw new Error(`Implementation ${implementation.id} refers to a missing knowledge support`);
    return found;
  }

  @FieldResolver(() => Region, { description: "The region: the implementer, or the municipality's county." })
  async region(@Root() implementation: ImplementationRow, @Ctx() { loaders }: Context): Promise<RegionRow> {
    const found = await loaders.regionByCountyCode.load(implementation.countyCode);
    if (!found) throw new Error(`Implementation ${implementation.id} refers to a missing region`);
    return found;
  }

  @FieldResolver(() => Municipality, {
    nullable: true,
    description: "The municipality, when one municipality implements on its own; null for a region's implementation.",
  })
  municipality(
    @Root() implementation: ImplementationRow,
    @Ctx() { loaders }: Context,
  ): Promise<MunicipalityRow | null> | null {
    return implementation.municipalityCode ? loaders.municipalityByCode.load(implementation.municipalityCode) : null;
  }

  @FieldResolver(() => [Municipality], {
    description: `The municipalities taking part in a joint implementation, ${NAME_ORDER}.`,
  })
  async municipalities(
    @Root() implementation: ImplementationRow,
    @Ctx() { loaders }: Context,
  ): Promise<MunicipalityRow[]> {
    const codes = await loaders.implementationMunicipalityCodes.load(implementation.id);
    const found = await loaders.municipalityByCode.loadMany(codes);
    return inNameOrder(
      found.filter((m): m is MunicipalityRow => m !== null && !(m instanceof Error)),
      (m) => m.code,
    );
  }

  @FieldResolver(() => GovernanceGroup, { nullable: true, description: "The group that decided, where recorded." })
  decidedByGroup(
    @Root() implementation: ImplementationRow,
    @Ctx() { loaders }: Context,
  ): Promise<GroupRow | null> | null {
    return implementation.decidedByGroupId ? loaders.groupById.load(implementation.decidedByGroupId) : null;
  }

  @FieldResolver(() => GovernanceGroup, { nullable: true, description: "The responsible LPO or LAG." })
  responsibleGroup(
    @Root() implementation: ImplementationRow,
    @Ctx() { loaders }: Context,
  ): Promise<GroupRow | null> | null {
    return implementation.responsibleGroupId ? loaders.groupById.load(implementation.responsibleGroupId) : null;
  }

  @FieldResolver(() => ImplementationStatusPeriod, {
    nullable: true,
    description: "Its status on `asOf` (today when omitted); null before its first status.",
  })
  async status(
    @Root() implementation: ImplementationRow,
    @Args() { asOf }: AsOfArgs,
    @Ctx() { loaders }: Context,
  ): Promise<StatusPeriodRow | null> {
    return periodOn(await loaders.implementationStatuses.load(implementation.id), asOf ?? today());
  }

  @FieldResolver(() => [ImplementationStatusPeriod], { description: "Its whole status history, oldest first." })
  statusHistory(@Root() implementation: ImplementationRow, @Ctx() { loaders }: Context): Promise<StatusPeriodRow[]> {
    return loaders.implementationStatuses.load(implementation.id);
  }
}

@Resolver(() => FollowUp)
export class FollowUpResolver {
  @FieldResolver(() => ID)
  id(@Root() followUp: FollowUpRow): string {
    return toGlobalId("FollowUp", followUp.id);
  }

  @FieldResolver(() => KnowledgeSupport, { description: "The knowledge support followed up." })
  async knowledgeSupport(@Root() followUp: FollowUpRow, @Ctx() { loaders }: Context): Promise<KnowledgeSupportRow> {
    const found = await loaders.knowledgeSupportById.load(followUp.knowledgeSupportId);
    if (!found) throw new Error(`Follow-up ${followUp.id} refers to a missing knowledge support`);
    return found;
  }

  @FieldResolver(() => [FollowUpValue], {
    description: "The latest reported value of each region (the one with the latest period), by county code.",
  })
  latestValues(
    @Root() followUp: FollowUpRow,
    @Args() { region }: LatestValuesArgs,
    @Ctx() { loaders }: Context,
  ): Promise<FollowUpValueRow[]> {
    return loaders.latestFollowUpValues({ countyCode: region ?? null }).load(followUp.id);
  }
}

@Resolver(() => FollowUpValue)
export class FollowUpValueResolver {
  @FieldResolver(() => Region, { description: "The region the value is of." })
  async region(@Root() value: FollowUpValueRow, @Ctx() { loaders }: Context): Promise<RegionRow> {
    const found = await loaders.regionByCountyCode.load(value.countyCode);
    if (!found) throw new Error(`A follow-up value refers to a missing region ${value.countyCode}`);
    return found;
  }
}

@Resolver(() => ImplementationMatrixCell)
export class ImplementationMatrixCellResolver {
  @FieldResolver(() => Region, { description: "The region." })
  async region(@Root() cell: ImplementationMatrixCell, @Ctx() { loaders }: Context): Promise<RegionRow> {
    const found = await loaders.regionByCountyCode.load(cell.countyCode);
    if (!found) throw new Error(`A matrix cell refers to a missing region ${cell.countyCode}`);
    return found;
  }
}

// The geography's fields that lead to implementations live here, so that geography knows nothing of them.

@Resolver(() => Region)
export class RegionImplementationsResolver {
  @FieldResolver(() => [Implementation], {
    description:
      "Knowledge support the region and its municipalities implement (införande), by name of the knowledge support.",
  })
  async implementations(
    @Root() region: Region,
    @Args() args: ImplementationStatusArgs,
    @Ctx() { loaders }: Context,
  ): Promise<ImplementationRow[]> {
    return implementationsWithStatus(loaders, await loaders.implementationsOfCounty.load(region.countyCode), args);
  }
}

@Resolver(() => Municipality)
export class MunicipalityImplementationsResolver {
  @FieldResolver(() => [Implementation], {
    description:
      "Knowledge support the municipality implements: on its own, or in a joint process with its region it takes part in.",
  })
  async implementations(
    @Root() municipality: Municipality,
    @Args() args: ImplementationStatusArgs,
    @Ctx() { loaders }: Context,
  ): Promise<ImplementationRow[]> {
    return implementationsWithStatus(
      loaders,
      await loaders.implementationsOfMunicipality.load(municipality.code),
      args,
    );
  }
}
