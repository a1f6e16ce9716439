import { IsOptional, ValidateNested } from "class-validator";
import { ArgsType, Field, InputType } from "type-graphql";
import { ImplementationStatus, KnowledgeSupportKind, KnowledgeSupportState } from "../../generated/prisma/enums";
import { ForwardPageArgs } from "../../graphql/pagination";
import { GraphQLDate } from "../../graphql/scalars";
import { OptionalCountyCode, OptionalEnumList, OptionalSlug, OptionalText, Slug } from "../../graphql/validation";

const SLUG_MESSAGE = "must be lower-case letters and digits joined by hyphens, e.g. psykisk-halsa";

/** The states a knowledge support is "in use" in: published, and published while being revised. */
export const IN_USE_STATES: KnowledgeSupportState[] = ["PUBLISHED", "UNDER_REVISION"];

@InputType({ description: "Which knowledge support to list. All given conditions must hold." })
export class KnowledgeSupportFilter {
  @Field(() => String, {
    nullable: true,
    description: "Belonging to this program area (the NPO's or primary-care council's slug, e.g. `psykisk-halsa`).",
  })
  @OptionalSlug(`programArea ${SLUG_MESSAGE}`)
  programArea?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Owned by this group or agency (slug, e.g. `nsg-metoder-for-kunskapsstod` or `socialstyrelsen`).",
  })
  @OptionalSlug(`owner ${SLUG_MESSAGE}`)
  owner?: string | null;

  @Field(() => [KnowledgeSupportKind], { nullable: true, description: "Any of these kinds." })
  @OptionalEnumList()
  kind?: KnowledgeSupportKind[] | null;

  @Field(() => [KnowledgeSupportState], {
    nullable: true,
    description: "In any of these lifecycle states on `activeOn`.",
  })
  @OptionalEnumList()
  state?: KnowledgeSupportState[] | null;

  @Field(() => GraphQLDate, {
    nullable: true,
    description: 'The day `state` is asked about, e.g. "2024-03-01". Defaults to today.',
  })
  @IsOptional()
  activeOn?: Date | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "Only those with (true) or without (false) municipalities as a target.",
  })
  @IsOptional()
  municipalTarget?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description: "Words in the name or a former name (case and accents ignored), e.g. `psykos`.",
  })
  @OptionalText(200)
  search?: string | null;
}

@ArgsType()
export class KnowledgeSupportsArgs extends ForwardPageArgs {
  @Field(() => KnowledgeSupportFilter, { nullable: true, description: "Conditions; none lists every entry, by name." })
  @IsOptional()
  @ValidateNested()
  filter?: KnowledgeSupportFilter | null;
}

@ArgsType()
export class KnowledgeSupportSlugArgs {
  @Field({ description: "The knowledge support's slug." })
  @Slug()
  slug!: string;
}

@ArgsType()
export class AsOfArgs {
  @Field(() => GraphQLDate, {
    nullable: true,
    description: 'The day asked about, e.g. "2024-03-01". Defaults to today.',
  })
  @IsOptional()
  asOf?: Date | null;
}

@ArgsType()
export class ImplementationStatusArgs {
  @Field(() => [ImplementationStatus], {
    nullable: true,
    description: "Only those with one of these statuses on `asOf`.",
  })
  @OptionalEnumList()
  status?: ImplementationStatus[] | null;

  @Field(() => GraphQLDate, { nullable: true, description: "The day `status` is asked about. Defaults to today." })
  @IsOptional()
  asOf?: Date | null;
}

@ArgsType()
export class ImplementationsArgs extends ImplementationStatusArgs {
  @Field(() => String, {
    nullable: true,
    description: 'Only in this region (länskod, e.g. "22"), municipalities included.',
  })
  @OptionalCountyCode()
  region?: string | null;
}

@ArgsType()
export class ImplementationMatrixArgs {
  @Field({ description: "The program area (NPO or primary-care council slug, e.g. `psykisk-halsa`)." })
  @Slug(`programArea ${SLUG_MESSAGE}`)
  programArea!: string;

  @Field(() => [KnowledgeSupportKind], { nullable: true, description: "Only these kinds; every kind when omitted." })
  @OptionalEnumList()
  kinds?: KnowledgeSupportKind[] | null;

  @Field(() => [KnowledgeSupportState], {
    nullable: true,
    description: "Knowledge support in these states on `asOf`; PUBLISHED and UNDER_REVISION when omitted.",
  })
  @OptionalEnumList()
  states?: KnowledgeSupportState[] | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Only this region's cells (länskod, e.g. \"22\"): a coordinator's own column. Every region when omitted.",
  })
  @OptionalCountyCode()
  region?: string | null;

  @Field(() => GraphQLDate, { nullable: true, description: "The day the matrix shows. Defaults to today." })
  @IsOptional()
  asOf?: Date | null;
}

@ArgsType()
export class LatestValuesArgs {
  @Field(() => String, { nullable: true, description: 'Only this region (länskod, e.g. "22").' })
  @OptionalCountyCode()
  region?: string | null;
}
