import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { GroupRow } from "./governance.loaders";
import type { Context } from "../../graphql/context";
import { inNameOrder, NAME_ORDER } from "../../graphql/order";
import { HealthcareRegion, Region } from "../geography";
import { Organisation } from "../organisations";
import { FormerName, LocalProgramArea, RegionalProgramArea } from "./governance.types";

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

  @FieldResolver(() => [FormerName], {
    description:
      "Names used before a renaming, e.g. Uppsala Örebro sjukvårdsregion for Mellansverige, oldest first, with the period where known.",
  })
  formerNames(@Root() healthcareRegion: HealthcareRegion, @Ctx() { loaders }: Context): Promise<FormerName[]> {
    return loaders.formerNamesByHealthcareRegionId.load(healthcareRegion.id);
  }
}

@Resolver(() => Organisation)
export class OrganisationNamesResolver {
  @FieldResolver(() => [FormerName], {
    description:
      "Names used before a renaming, e.g. Sveriges Kommuner och Landsting for SKR, oldest first, with the period where known; a healthcare region's organisation shows the region's.",
  })
  formerNames(
    @Root() organisation: { id: string; healthcareRegionId?: string | null },
    @Ctx() { loaders }: Context,
  ): Promise<FormerName[]> {
    return organisation.healthcareRegionId
      ? loaders.formerNamesByHealthcareRegionId.load(organisation.healthcareRegionId)
      : loaders.formerNamesByOrganisationId.load(organisation.id);
  }
}

@Resolver(() => Region)
export class RegionGroupsResolver {
  @FieldResolver(() => [LocalProgramArea], { description: `The region's LPOs (lokala programområden), ${NAME_ORDER}.` })
  async localProgramAreas(@Root() region: Region, @Ctx() { loaders }: Context): Promise<GroupRow[]> {
    return inNameOrder(await loaders.localProgramAreasByCountyCode.load(region.countyCode));
  }
}
