import { IsOptional, Matches } from "class-validator";
import { ArgsType, Field } from "type-graphql";
import { ForwardPageArgs } from "../../graphql/pagination";
import { SLUG_PATTERN } from "../governance/governance.args";

export const COUNTY_CODE = /^[0-9]{2}$/;
export const MUNICIPALITY_CODE = /^[0-9]{4}$/;
const COUNTY_CODE_MESSAGE = "countyCode must be two digits, e.g. \"22\"";

@ArgsType()
export class CountyCodeArgs {
  @Field({ description: "Länskod: two-digit county code, e.g. \"22\"." })
  @Matches(COUNTY_CODE, { message: COUNTY_CODE_MESSAGE })
  countyCode!: string;
}

@ArgsType()
export class MunicipalityCodeArgs {
  @Field({ description: "Kommunkod: four-digit municipality code, e.g. \"2281\"." })
  @Matches(MUNICIPALITY_CODE, { message: "code must be four digits, e.g. \"2281\"" })
  code!: string;
}

@ArgsType()
export class HealthcareRegionSlugArgs {
  @Field({ description: "Slug of the healthcare region, e.g. `norra`." })
  @Matches(SLUG_PATTERN, { message: "slug must be lower-case letters and digits joined by hyphens, e.g. stockholm-gotland" })
  slug!: string;
}

@ArgsType()
export class MunicipalitiesArgs extends ForwardPageArgs {
  @Field(() => String, { nullable: true, description: "Only municipalities of this county (länskod), e.g. \"22\"." })
  @IsOptional()
  @Matches(COUNTY_CODE, { message: COUNTY_CODE_MESSAGE })
  countyCode?: string;
}
