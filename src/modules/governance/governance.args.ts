import { Matches } from "class-validator";
import { ArgsType, Field } from "type-graphql";

export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

@ArgsType()
export class SlugArgs {
  @Field({ description: "The slug, lower-case words joined by hyphens, e.g. `psykisk-halsa`." })
  @Matches(SLUG_PATTERN, { message: "slug must be lower-case letters and digits joined by hyphens, e.g. psykisk-halsa" })
  slug!: string;
}

@ArgsType()
export class NationalProgramAreasArgs {
  @Field({ defaultValue: false, description: "Also list the Nationellt primärvårdsråd, which is counted beside the 26 NPOs." })
  includePrimaryCareCouncil!: boolean;
}
