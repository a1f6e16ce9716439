import { Args, ArgsType, Ctx, Field, FieldResolver, ObjectType, Query, Resolver, Root } from "type-graphql";
import type { GroupKind } from "../../generated/prisma/client";
import type { GroupRow } from "./governance.loaders";
import type { Context } from "../../graphql/context";
import { inNameOrder, NAME_ORDER } from "../../graphql/order";
import { CountyCode, Slug } from "../../graphql/validation";
import { HealthcareRegion, Region, type RegionRow } from "../geography";
import { LocalProgramArea, NationalProgramArea, RegionalProgramArea } from "./governance.types";

const PROGRAM_AREA_KINDS: GroupKind[] = ["NPO", "PRIMARY_CARE_COUNCIL"];

@ArgsType()
class GovernanceChainArgs {
  @Field({ description: "Slug of the national program area, e.g. `psykisk-halsa`." })
  @Slug("npo must be lower-case letters and digits joined by hyphens, e.g. psykisk-halsa")
  npo!: string;

  @Field({ description: 'Länskod of the region, e.g. "22" for Region Västernorrland.' })
  @CountyCode('region must be a länskod of two digits, e.g. "22"')
  region!: string;
}

@ObjectType({
  description:
    "One program area through the three levels for one region: the NPO, the RPO(s) of the region's healthcare region(s), the region's LPO(s). Each body's `workingGroups` gives its NAGs, RAGs and LAGs.",
})
export class GovernanceChain {
  programArea!: GroupRow;
  regionRow!: RegionRow;
  healthcareRegionRows!: HealthcareRegion[];
  regionalProgramAreaRows!: GroupRow[];
  localProgramAreaRows!: GroupRow[];
}

@Resolver(() => GovernanceChain)
export class GovernanceChainResolver {
  @Query(() => GovernanceChain, {
    nullable: true,
    description:
      "The chain for one NPO in one region, e.g. psykisk hälsa in Region Västernorrland, in one call; null when the NPO or region does not exist.",
  })
  async governanceChain(
    @Args() { npo, region }: GovernanceChainArgs,
    @Ctx() { loaders }: Context,
  ): Promise<GovernanceChain | null> {
    const [programArea, regionRow] = await Promise.all([
      loaders.groupBySlug.load(npo),
      loaders.regionByCountyCode.load(region),
    ]);
    if (!programArea || !PROGRAM_AREA_KINDS.includes(programArea.kind) || !regionRow) return null;
    // All three levels are fetched here, so what is asked of them below is loaded together, level by level.
    const [healthcareRegionRows, rpos, lpos] = await Promise.all([
      loaders.healthcareRegionsByRegionId.load(regionRow.id),
      loaders.regionalProgramAreasByProgramAreaId.load(programArea.id),
      loaders.localProgramAreasByProgramAreaId.load(programArea.id),
    ]);
    const healthcareRegionIds = new Set(healthcareRegionRows.map((hr) => hr.id));
    return {
      programArea,
      regionRow,
      healthcareRegionRows,
      regionalProgramAreaRows: rpos.filter(
        (rpo) => rpo.healthcareRegionId !== null && healthcareRegionIds.has(rpo.healthcareRegionId),
      ),
      localProgramAreaRows: lpos.filter((lpo) => lpo.countyCode === regionRow.countyCode),
    };
  }

  @FieldResolver(() => NationalProgramArea, { description: "The NPO (nationellt programområde)." })
  nationalProgramArea(@Root() chain: GovernanceChain): GroupRow {
    return chain.programArea;
  }

  @FieldResolver(() => Region, { description: "The region." })
  region(@Root() chain: GovernanceChain): RegionRow {
    return chain.regionRow;
  }

  @FieldResolver(() => [HealthcareRegion], {
    description: `The region's healthcare region(s): one, or two for Region Halland; ${NAME_ORDER}.`,
  })
  healthcareRegions(@Root() chain: GovernanceChain): HealthcareRegion[] {
    return inNameOrder(chain.healthcareRegionRows);
  }

  @FieldResolver(() => [RegionalProgramArea], {
    description: `The NPO's RPO (sjukvårdsregionalt programområde) in each of the region's healthcare regions, ${NAME_ORDER}.`,
  })
  regionalProgramAreas(@Root() chain: GovernanceChain): GroupRow[] {
    return inNameOrder(chain.regionalProgramAreaRows);
  }

  @FieldResolver(() => [LocalProgramArea], {
    description: `The region's LPO(s) (lokalt programområde) mirroring the NPO, ${NAME_ORDER}.`,
  })
  localProgramAreas(@Root() chain: GovernanceChain): GroupRow[] {
    return inNameOrder(chain.localProgramAreaRows);
  }
}
