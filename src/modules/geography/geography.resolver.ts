import { Args, Ctx, FieldResolver, ID, ObjectType, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context";
import { inNameOrder, NAME_ORDER } from "../../graphql/order";
import { toGlobalId } from "../../graphql/global-id";
import { Connection, toConnection } from "../../graphql/pagination";
import { CountyCodeArgs, HealthcareRegionSlugArgs, MunicipalitiesArgs, MunicipalityCodeArgs } from "./geography.args";
import { GeographyService } from "./geography.service";
import { HealthcareRegion, Municipality, Region } from "./geography.types";

@ObjectType({ description: "A page of municipalities." })
export class MunicipalityConnection extends Connection(Municipality, "Municipality") {}

@Resolver(() => HealthcareRegion)
export class HealthcareRegionResolver {
  @Query(() => [HealthcareRegion], { description: `The six healthcare regions (sjukvårdsregioner), ${NAME_ORDER}.` })
  async healthcareRegions(@Ctx() { prisma }: Context): Promise<HealthcareRegion[]> {
    return inNameOrder(await new GeographyService(prisma).healthcareRegions());
  }

  @Query(() => HealthcareRegion, {
    nullable: true,
    description: "One healthcare region by slug, e.g. `norra`; null when there is none.",
  })
  healthcareRegion(
    @Args() { slug }: HealthcareRegionSlugArgs,
    @Ctx() { loaders }: Context,
  ): Promise<HealthcareRegion | null> {
    return loaders.healthcareRegionBySlug.load(slug);
  }

  @FieldResolver(() => ID)
  id(@Root() healthcareRegion: HealthcareRegion): string {
    return toGlobalId("HealthcareRegion", healthcareRegion.id);
  }

  @FieldResolver(() => [String])
  sources(
    @Root() healthcareRegion: { id: string } | { id: string; sources: string[] },
    @Ctx() { loaders }: Context,
  ): string[] | Promise<string[]> {
    return "sources" in healthcareRegion
      ? healthcareRegion.sources
      : loaders.healthcareRegionSourcesById.load(healthcareRegion.id);
  }

  @FieldResolver(() => [Region], {
    description: `Its regions, ${NAME_ORDER}. Region Halland belongs to both Södra and Västra, each with part of its municipalities.`,
  })
  async regions(@Root() healthcareRegion: HealthcareRegion, @Ctx() { loaders }: Context): Promise<Region[]> {
    return inNameOrder(await loaders.regionsByHealthcareRegionId.load(healthcareRegion.id));
  }

  @FieldResolver(() => [Municipality], {
    description: `Its municipalities, ${NAME_ORDER} (for Halland only those belonging to this healthcare region).`,
  })
  async municipalities(
    @Root() healthcareRegion: HealthcareRegion,
    @Ctx() { loaders }: Context,
  ): Promise<Municipality[]> {
    return inNameOrder(await loaders.municipalitiesByHealthcareRegionId.load(healthcareRegion.id));
  }
}

@Resolver(() => Region)
export class RegionResolver {
  @Query(() => [Region], { description: `The 21 regions, ${NAME_ORDER}.` })
  async regions(@Ctx() { prisma, loaders }: Context): Promise<Region[]> {
    const regions = await new GeographyService(prisma).regions();
    for (const region of regions) loaders.regionByCountyCode.prime(region.countyCode, region);
    return inNameOrder(regions);
  }

  @Query(() => Region, {
    nullable: true,
    description: 'One region by county code (länskod), e.g. "22"; null when there is none.',
  })
  region(@Args() { countyCode }: CountyCodeArgs, @Ctx() { loaders }: Context): Promise<Region | null> {
    return loaders.regionByCountyCode.load(countyCode);
  }

  @FieldResolver(() => ID)
  id(@Root() region: Region): string {
    return toGlobalId("Region", region.id);
  }

  @FieldResolver(() => [String])
  sources(
    @Root() region: { id: string } | { id: string; sources: string[] },
    @Ctx() { loaders }: Context,
  ): string[] | Promise<string[]> {
    return "sources" in region ? region.sources : loaders.regionSourcesById.load(region.id);
  }

  @FieldResolver(() => HealthcareRegion, {
    description:
      "The healthcare region the region belongs to. For Region Halland, split between Södra and Västra, this is Södra (where Halland is represented in SKS); see `healthcareRegions`.",
  })
  async healthcareRegion(@Root() region: Region, @Ctx() { loaders }: Context): Promise<HealthcareRegion | undefined> {
    return (await loaders.healthcareRegionsByRegionId.load(region.id))[0];
  }

  @FieldResolver(() => [HealthcareRegion], {
    description: `Every healthcare region the region belongs to: one, or two for Region Halland; ${NAME_ORDER}.`,
  })
  async healthcareRegions(@Root() region: Region, @Ctx() { loaders }: Context): Promise<HealthcareRegion[]> {
    return inNameOrder(await loaders.healthcareRegionsByRegionId.load(region.id));
  }

  @FieldResolver(() => [Municipality], { description: `The municipalities of the county, ${NAME_ORDER}.` })
  async municipalities(@Root() region: Region, @Ctx() { loaders }: Context): Promise<Municipality[]> {
    return inNameOrder(await loaders.municipalitiesByCountyCode.load(region.countyCode));
  }
}

@Resolver(() => Municipality)
export class MunicipalityResolver {
  @Query(() => MunicipalityConnection, {
    description: `The 290 municipalities (kommuner), ${NAME_ORDER}, a page at a time, optionally of one county.`,
  })
  async municipalities(
    @Args() { countyCode, first, after }: MunicipalitiesArgs,
    @Ctx() { prisma }: Context,
  ): Promise<MunicipalityConnection> {
    return toConnection(await new GeographyService(prisma).municipalities({ countyCode }, { first, after }));
  }

  @Query(() => Municipality, {
    nullable: true,
    description: 'One municipality by kommunkod, e.g. "2281"; null when there is none.',
  })
  municipality(@Args() { code }: MunicipalityCodeArgs, @Ctx() { loaders }: Context): Promise<Municipality | null> {
    return loaders.municipalityByCode.load(code);
  }

  @FieldResolver(() => ID)
  id(@Root() municipality: Municipality): string {
    return toGlobalId("Municipality", municipality.id);
  }

  @FieldResolver(() => Region, { description: "The region of the municipality's county." })
  region(@Root() municipality: Municipality, @Ctx() { loaders }: Context): Promise<Region | null> {
    return loaders.regionByCountyCode.load(municipality.countyCode);
  }

  @FieldResolver(() => HealthcareRegion, {
    description: "The healthcare region the municipality belongs to (decides Halland's split).",
  })
  healthcareRegion(@Root() municipality: Municipality, @Ctx() { loaders }: Context): Promise<HealthcareRegion | null> {
    return loaders.healthcareRegionById.load(municipality.healthcareRegionId);
  }
}
