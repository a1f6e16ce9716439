import { ArgsType, Field } from "type-graphql";
import { ForwardPageArgs } from "../../graphql/pagination";
import {
  COUNTY_CODE,
  CountyCode,
  MUNICIPALITY_CODE,
  MunicipalityCode,
  OptionalCountyCode,
  Slug,
} from "../../graphql/validation";

export { COUNTY_CODE, MUNICIPALITY_CODE };
const COUNTY_CODE_MESSAGE = 'countyCode must be two digits, e.g. "22"';

@ArgsType()
export class CountyCodeArgs {
  @Field({ description: 'Länskod: two-digit county code, e.g. "22".' })
  @CountyCode(COUNTY_CODE_MESSAGE)
  countyCode!: string;
}

@ArgsType()
export class MunicipalityCodeArgs {
  @Field({ description: 'Kommunkod: four-digit municipality code, e.g. "2281".' })
  @MunicipalityCode('code must be four digits, e.g. "2281"')
  code!: string;
}

@ArgsType()
export class HealthcareRegionSlugArgs {
  @Field({ description: "Slug of the healthcare region, e.g. `norra`." })
  @Slug("slug must be lower-case letters and digits joined by hyphens, e.g. stockholm-gotland")
  slug!: string;
}

@ArgsType()
export class MunicipalitiesArgs extends ForwardPageArgs {
  @Field(() => String, { nullable: true, description: 'Only municipalities of this county (länskod), e.g. "22".' })
  @OptionalCountyCode(COUNTY_CODE_MESSAGE)
  countyCode?: string;
}
