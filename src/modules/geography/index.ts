import type { ModuleDescriptor } from "../../graphql/module";
import { createGeographyLoaders } from "./geography.loaders";
import { HealthcareRegionResolver, MunicipalityResolver, RegionResolver } from "./geography.resolver";

export { HealthcareRegion, Municipality, Region } from "./geography.types";

/** Healthcare regions, regions and municipalities: the map every other module places things on. */
export const geographyModule: ModuleDescriptor = {
  name: "geography",
  resolvers: [HealthcareRegionResolver, RegionResolver, MunicipalityResolver],
  loaders: createGeographyLoaders,
  nodeTypes: [
    { typeName: "HealthcareRegion", fetch: (loaders, id) => loaders.healthcareRegionById.load(id) },
    { typeName: "Region", fetch: (loaders, id) => loaders.regionById.load(id) },
    { typeName: "Municipality", fetch: (loaders, id) => loaders.municipalityById.load(id) },
  ],
  tables: [
    { name: "healthcare_region", orderBy: "id" },
    { name: "region", orderBy: "id" },
    {
      name: "region_healthcare_region",
      orderBy: "region_id, healthcare_region_id",
      dependsOn: ["region", "healthcare_region"],
    },
    { name: "municipality", orderBy: "id", dependsOn: ["region", "healthcare_region"] },
  ],
};
export {
  HEALTHCARE_REGION_COLUMNS,
  MUNICIPALITY_COLUMNS,
  REGION_COLUMNS,
  healthcareRegionRow,
  municipalityRow,
  regionRow,
  type HealthcareRegionRow,
  type MunicipalityRow,
  type RegionRow,
} from "./geography.loaders";
