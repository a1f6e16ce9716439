import { HealthcareRegionResolver, MunicipalityResolver, RegionResolver } from "./geography.resolver";

export const GeographyResolvers = [HealthcareRegionResolver, RegionResolver, MunicipalityResolver] as const;
