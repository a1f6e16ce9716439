import { IsInt, IsOptional, Max, Min } from "class-validator";
import { OptionalEnumList } from "../../graphql/validation";
import {
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  Int,
  ObjectType,
  Query,
  registerEnumType,
  Resolver,
  Root,
} from "type-graphql";
import type { MembershipRow } from "../people";
import type { Context } from "../../graphql/context";
import { Connection, paginate, PageArgs, toConnection, type ConnectionOf } from "../../graphql/pagination";
import { today } from "../../graphql/period";
import { GraphQLDate } from "../../graphql/scalars";
import { HealthcareRegion, Region, type HealthcareRegionRow, type RegionRow } from "../geography";
import { GovernanceGroup, NationalProgramArea, type GroupRow } from "../governance";
import { Membership } from "../people";
import {
  BASIS_OF_KIND,
  DEFAULT_GAP_HEURISTICS,
  GapsService,
  StructureGapBasis,
  StructureGapKind,
  type StructureGapRow,
} from "./gaps.service";

registerEnumType(StructureGapKind, {
  name: "StructureGapKind",
  description: "A way the recorded structure departs from the model.",
  valuesConfig: {
    NPO_WITHOUT_HEALTHCARE_REGION_REPRESENTATIVE: {
      description:
        "Heuristic (this project's, not a rule of the system): an NPO has no member representing one of the six healthcare regions (or a region or municipality in it).",
    },
    HEALTHCARE_REGION_WITHOUT_RPO: {
      description: "A healthcare region has no RPO at all for an NPO or the primärvårdsråd (not even a modelled one).",
    },
    REGION_WITHOUT_LPO: {
      description: "A region has no LPO at all for an NPO or the primärvårdsråd (not even a modelled one).",
    },
    UNCONFIRMED_RPO: {
      description:
        "A healthcare region's RPO for an NPO exists only as modelled (provenance MODELLED): no source confirms it, so it is reported as unconfirmed rather than present.",
    },
    UNCONFIRMED_LPO: {
      description:
        "A region's LPO for an NPO exists only as modelled (provenance MODELLED): no source confirms it, so it is reported as unconfirmed rather than present.",
    },
    MUNICIPAL_PARTICIPATION_WITHOUT_MUNICIPAL_MEMBER: {
      description:
        "An NPO, the primärvårdsråd, an RPO or an LPO with municipal participation (kommunal medverkan) has no member representing a municipality or municipal association, and no such organisation taking part. Municipal representatives are appointed in the six areas at every level: national, healthcare-regional and local.",
    },
    CHAIR_MANDATE_OVER_THREE_YEARS: {
      description:
        "Heuristic (this project's, not a rule of the system): a chair's mandate lasts longer than `chairMandateYears` (three years unless asked otherwise), by its end date, or until the day asked about when open.",
    },
    MEMBERSHIP_OF_DISSOLVED_GROUP: { description: "A membership runs on after its group was dissolved." },
  },
});

registerEnumType(StructureGapBasis, {
  name: "StructureGapBasis",
  description: "What a kind of gap rests on: whether it is a rule of the system or this project's own heuristic.",
  valuesConfig: {
    MODEL: {
      description:
        "The structure the sources describe: an RPO per NPO in each healthcare region, an LPO per NPO in each region, municipal representatives where municipalities take part.",
    },
    RECORDS: { description: "The records' own consistency, e.g. a membership outlasting its dissolved group." },
    HEURISTIC: {
      description:
        "A rule of thumb of this project, set per question where it has a parameter; not a rule of the national system.",
    },
  },
});

@ObjectType({
  description: "One place where the structure departs from the model: what is missing or wrong, and where.",
})
export class StructureGap {
  @Field(() => StructureGapKind, { description: "What kind of gap." })
  kind!: StructureGapKind;

  @Field(() => StructureGapBasis, {
    description:
      "Whether the gap is against the structure the sources describe or against a heuristic of this project.",
  })
  basis!: StructureGapBasis;

  @Field({
    description: 'What is missing or wrong, in words, e.g. "Norra sjukvårdsregionen has no RPO for Psykisk hälsa".',
  })
  message!: string;

  groupId!: string | null;
  programAreaId!: string | null;
  healthcareRegionId!: string | null;
  countyCode!: string | null;
  membershipId!: string | null;
}

@ObjectType({ description: "A page of structure gaps." })
class StructureGapConnection extends Connection(StructureGap, "StructureGap") {}

@ArgsType()
class StructureGapsArgs extends PageArgs {
  @Field(() => [StructureGapKind], { nullable: true, description: "Only these kinds of gap; all when omitted." })
  @OptionalEnumList()
  kinds?: StructureGapKind[] | null;

  @Field(() => GraphQLDate, { nullable: true, description: 'The day to check, e.g. "2024-03-01". Defaults to today.' })
  @IsOptional()
  activeOn?: Date | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "Heuristic: a chair's mandate longer than this many years (1 to 20) is reported as CHAIR_MANDATE_OVER_THREE_YEARS; 3 when omitted. The national system sets no such limit that the sources confirm.",
  })
  @IsOptional()
  @IsInt({ message: "chairMandateYears must be a whole number" })
  @Min(1, { message: "chairMandateYears must be 1 to 20" })
  @Max(20, { message: "chairMandateYears must be 1 to 20" })
  chairMandateYears?: number | null;
}

@Resolver(() => StructureGap)
export class StructureGapResolver {
  @Query(() => StructureGapConnection, {
    description: "Where the structure departs from the model on `activeOn` (default today), by kind and message.",
  })
  async structureGaps(
    @Args() args: StructureGapsArgs,
    @Ctx() { prisma }: Context,
  ): Promise<ConnectionOf<StructureGapRow>> {
    const gaps = await new GapsService(prisma).structureGaps(args.activeOn ?? today(), {
      chairMandateYears: args.chairMandateYears ?? DEFAULT_GAP_HEURISTICS.chairMandateYears,
    });
    const wanted = args.kinds?.length ? gaps.filter((gap) => args.kinds!.includes(gap.kind)) : gaps;
    return toConnection(
      paginate(wanted, args, "structure-gaps", (gap) => [
        gap.kind,
        gap.message,
        gap.groupId ?? "",
        gap.healthcareRegionId ?? "",
        gap.countyCode ?? "",
        gap.membershipId ?? "",
      ]),
    );
  }

  @FieldResolver(() => StructureGapBasis)
  basis(@Root() gap: StructureGapRow): StructureGapBasis {
    return BASIS_OF_KIND[gap.kind];
  }

  @FieldResolver(() => GovernanceGroup, { nullable: true, description: "The group concerned, if one is." })
  group(@Root() gap: StructureGapRow, @Ctx() { loaders }: Context): Promise<GroupRow | null> | null {
    return gap.groupId ? loaders.groupById.load(gap.groupId) : null;
  }

  @FieldResolver(() => NationalProgramArea, {
    nullable: true,
    description: "The national program area concerned, if one is.",
  })
  programArea(@Root() gap: StructureGapRow, @Ctx() { loaders }: Context): Promise<GroupRow | null> | null {
    return gap.programAreaId ? loaders.groupById.load(gap.programAreaId) : null;
  }

  @FieldResolver(() => HealthcareRegion, { nullable: true, description: "The healthcare region concerned, if one is." })
  healthcareRegion(
    @Root() gap: StructureGapRow,
    @Ctx() { loaders }: Context,
  ): Promise<HealthcareRegionRow | null> | null {
    return gap.healthcareRegionId ? loaders.healthcareRegionById.load(gap.healthcareRegionId) : null;
  }

  @FieldResolver(() => Region, { nullable: true, description: "The region concerned, if one is." })
  region(@Root() gap: StructureGapRow, @Ctx() { loaders }: Context): Promise<RegionRow | null> | null {
    return gap.countyCode ? loaders.regionByCountyCode.load(gap.countyCode) : null;
  }

  @FieldResolver(() => Membership, { nullable: true, description: "The membership concerned, if one is." })
  membership(@Root() gap: StructureGapRow, @Ctx() { loaders }: Context): Promise<MembershipRow | null> | null {
    return gap.membershipId ? loaders.membershipById.load(gap.membershipId) : null;
  }
}
