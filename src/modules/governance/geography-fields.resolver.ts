import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { GroupRow } from "./governance.loaders";
import type { Context } from "../../graphql/context";
import { inNameOrder, NAME_ORDER } from "../../graphql/order";
import { HealthcareRegion, Region } from "../geography";
import { LocalProgramArea, RegionalProgramArea } from "./governance.types";

// The geography's fields that lead to governance bodies live here, so that geography knows nothing of governance.

@Resolver(() => HealthcareRegion)
export class HealthcareRegionGroupsResolver {
  @FieldResolver(() => [RegionalProgramArea], {
    description: `Its RPOs (sjukvårdsregionala programområden), one per NPO, ${NAME_ORDER}.`,
  })
  async regionalProgramAreas(
    @Root() healthcareRegion: HealthcareRegion,
    @Ctx() { loaders }: Context,
  ): Promise<GroupRow[]> {
    return inNameOrder(await loaders.regionalProgramAreasByHealthcareRegionId.load(healthcareRegion.id));
  }
}

@Resolver(() => Region)
export class RegionGroupsResolver {
  @FieldResolver(() => [LocalProgramArea], { description: `The region's LPOs (lokala programområden), ${NAME_ORDER}.` })
  async localProgramAreas(@Root() region: Region, @Ctx() { loaders }: Context): Promise<GroupRow[]> {
    return inNameOrder(await loaders.localProgramAreasByCountyCode.load(region.countyCode));
  }
}
