import { Field, ID, InputType, Int } from "type-graphql";
import { OrganisationKind } from "../../generated/prisma/enums";
import { Id, OptionalCountyCode, OptionalText, OptionalVersion, Slug, Sources, Text } from "../../graphql/validation";

@InputType({
  description:
    "A new organisation: an agency, a municipal association, a patient organisation or another body. Regions, healthcare regions and municipalities exist already.",
})
export class CreateOrganisationInput {
  @Field({ description: "Stable natural key, e.g. `riksforbundet-attention`." })
  @Slug()
  slug!: string;

  @Field(() => OrganisationKind, {
    description: "What kind of organisation it is; not REGION, HEALTHCARE_REGION or MUNICIPALITY.",
  })
  kind!: OrganisationKind;

  @Field({ description: "Full name." })
  @Text(300)
  name!: string;

  @Field(() => String, { description: 'Abbreviation, e.g. "SBU".', nullable: true })
  @OptionalText(100)
  shortName?: string | null;

  @Field(() => String, { description: "What the organisation does in knowledge governance.", nullable: true })
  @OptionalText(4000)
  description?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "County code (länskod) when the organisation belongs to one county, e.g. a municipal association. Such an organisation is owned by that region.",
  })
  @OptionalCountyCode()
  countyCode?: string | null;

  @Field(() => String, { description: "Remarks, e.g. on what is not confirmed.", nullable: true })
  @OptionalText(2000)
  note?: string | null;

  @Field(() => [String], {
    description: "Public sources the record is based on: at most 50, each at most 2000 characters.",
    nullable: true,
  })
  @Sources()
  sources?: string[] | null;
}

@InputType({ description: "Changes to an organisation. Omitted fields stay; null clears an optional field." })
export class UpdateOrganisationInput {
  @Field(() => ID, { description: "The organisation's global ID." })
  @Id()
  id!: string;

  @Field(() => Int, { nullable: true, description: "The version you last read; CONFLICT if it has changed since." })
  @OptionalVersion()
  expectedVersion?: number | null;

  @Field(() => String, { description: "Full name.", nullable: true })
  @OptionalText(300)
  name?: string;

  @Field(() => String, { description: 'Abbreviation, e.g. "SBU".', nullable: true })
  @OptionalText(100)
  shortName?: string | null;

  @Field(() => String, { description: "What the organisation does in knowledge governance.", nullable: true })
  @OptionalText(4000)
  description?: string | null;

  @Field(() => String, { description: "Remarks, e.g. on what is not confirmed.", nullable: true })
  @OptionalText(2000)
  note?: string | null;

  @Field(() => [String], {
    description: "Public sources the record is based on: at most 50, each at most 2000 characters.",
    nullable: true,
  })
  @Sources()
  sources?: string[] | null;
}
