import { ArgsType, Field } from "type-graphql";
import { SLUG, Slug } from "../../graphql/validation";

export const SLUG_PATTERN = SLUG;

@ArgsType()
export class SlugArgs {
  @Field({ description: "The slug, lower-case words joined by hyphens, e.g. `psykisk-halsa`." })
  @Slug("slug must be lower-case letters and digits joined by hyphens, e.g. psykisk-halsa")
  slug!: string;
}

@ArgsType()
export class NationalProgramAreasArgs {
  @Field({
    defaultValue: false,
    description: "Also list the Nationellt primärvårdsråd, which is counted beside the 26 NPOs.",
  })
  includePrimaryCareCouncil!: boolean;
}
