import { IsOptional } from "class-validator";
import { OptionalEnumList } from "../../graphql/validation";
import {
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
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
import { GapsService, StructureGapKind, type StructureGapRow } from "./gaps.service";

registerEnumType(StructureGapKind, {
  name: "StructureGapKind",
  description: "A way the recorded structure departs from the model.",
  valuesConfig: {
    NPO_WITHOUT_HEALTHCARE_REGION_REPRESENTATIVE: {
      description:
        "An NPO has no member representing one of the six healthcare regions (or a region or municipality in it).",
    },
    HEALTHCARE_REGION_WITHOUT_RPO: { description: "A healthcare region has no RPO for an NPO." },
    REGION_WITHOUT_LPO: { description: "A region has no LPO for an NPO." },
    MUNICIPAL_PARTICIPATION_WITHOUT_MUNICIPAL_MEMBER: {
      description:
        "An NPO with municipal participation (kommunal medverkan) has no member representing a municipality or municipal association.",
    },
    CHAIR_MANDATE_OVER_THREE_YEARS: {
      description:
        "A chair's mandate lasts more than three years (by its end date, or until the day asked about when open).",
    },
    MEMBERSHIP_OF_DISSOLVED_GROUP: { description: "A membership runs on after its group was dissolved." },
  },
});

@ObjectType({
  description: "One place where the structure departs from the model: what is missing or wrong, and where.",
})
export class StructureGap {
  @Field(() => StructureGapKind, { description: "What kind of gap." })
  kind!: StructureGapKind;

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
    const gaps = await new GapsService(prisma).structureGaps(args.activeOn ?? today());
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
