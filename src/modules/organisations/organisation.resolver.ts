import { Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context";
import { inNameOrder, NAME_ORDER } from "../../graphql/order";
import { toGlobalId } from "../../graphql/global-id";
import { HealthcareRegion, Municipality, Region } from "../geography";
import { OrganisationService } from "./organisation.service";
import { Organisation } from "./organisation.types";
import type { OrganisationRow } from "./organisation.loaders";

@Resolver(() => Organisation)
export class OrganisationResolver {
  @Query(() => [Organisation], {
    description: `Government agencies (myndigheter) in knowledge governance, e.g. the nine of Rådet för styrning med kunskap; ${NAME_ORDER}.`,
  })
  async agencies(@Ctx() { prisma }: Context): Promise<OrganisationRow[]> {
    return inNameOrder(await new OrganisationService(prisma).byKind("AGENCY"));
  }

  @FieldResolver(() => ID)
  id(@Root() organisation: Organisation): string {
    return toGlobalId("Organisation", organisation.id);
  }

  @FieldResolver(() => [String])
  sources(
    @Root() organisation: OrganisationRow | { id: string; sources: string[] },
    @Ctx() { loaders }: Context,
  ): string[] | Promise<string[]> {
    // Rows a mutation returns have them; the read path leaves them out unless asked.
    return "sources" in organisation ? organisation.sources : loaders.organisationSourcesById.load(organisation.id);
  }

  @FieldResolver(() => Region, { nullable: true, description: "The region this organisation is, when it is one." })
  region(@Root() organisation: Organisation, @Ctx() { loaders }: Context): Promise<Region | null> | null {
    return organisation.regionId ? loaders.regionById.load(organisation.regionId) : null;
  }

  @FieldResolver(() => HealthcareRegion, {
    nullable: true,
    description: "The healthcare region this organisation is, when it is one.",
  })
  healthcareRegion(
    @Root() organisation: Organisation,
    @Ctx() { loaders }: Context,
  ): Promise<HealthcareRegion | null> | null {
    return organisation.healthcareRegionId ? loaders.healthcareRegionById.load(organisation.healthcareRegionId) : null;
  }

  @FieldResolver(() => Municipality, {
    nullable: true,
    description: "The municipality this organisation is, when it is one.",
  })
  municipality(@Root() organisation: Organisation, @Ctx() { loaders }: Context): Promise<Municipality | null> | null {
    return organisation.municipalityId ? loaders.municipalityById.load(organisation.municipalityId) : null;
  }
}
