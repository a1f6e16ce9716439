import { IsOptional } from "class-validator";
import { Field, ID, InputType, Int } from "type-graphql";
import { GroupKind } from "../../generated/prisma/enums";
import { GraphQLDate } from "../../graphql/scalars";
import {
  Id,
  OptionalCountyCode,
  OptionalId,
  OptionalIds,
  OptionalSlug,
  OptionalText,
  OptionalVersion,
  Slug,
  Sources,
  Text,
} from "../../graphql/validation";

@InputType({
  description:
    "A new governance body. Where it works follows from its kind: a working group (NAG, RAG, LAG) takes its level and place from `parent`; an RPO needs `programArea` and `healthcareRegion`; an LPO needs `countyCode`; a knowledge council or collaboration structure needs `countyCode` or `healthcareRegion`; all other kinds are national.",
})
export class CreateGroupInput {
  @Field({ description: "Stable natural key, e.g. `lag-22-psykisk-halsa-angest`." })
  @Slug()
  slug!: string;

  @Field(() => GroupKind, { description: "The kind of body; it decides where the body works (see the input type)." })
  kind!: GroupKind;

  @Field({ description: 'Full name, e.g. "LAG Psykisk hälsa – ångest".' })
  @Text(300)
  name!: string;

  @Field(() => String, { description: "Short name or abbreviation.", nullable: true })
  @OptionalText(100)
  shortName?: string | null;

  @Field(() => String, { description: "What the body does.", nullable: true })
  @OptionalText(4000)
  description?: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      "Appointing body of a working group: an NPO, NSG or the primary-care council for a NAG, an RPO for a RAG, an LPO for a LAG.",
  })
  @OptionalId()
  parent?: string | null;

  @Field(() => ID, { nullable: true, description: "The NPO an RPO mirrors." })
  @OptionalId()
  programArea?: string | null;

  @Field(() => [ID], {
    nullable: true,
    description: "Program areas (NPOs, the primary-care council) an LPO or regional council mirrors.",
  })
  @OptionalIds(30)
  mirrors?: string[] | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Slug of the healthcare region (sjukvårdsregion) an RPO or a healthcare-regional council works in, e.g. `norra`.",
  })
  @OptionalSlug()
  healthcareRegion?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'County code (länskod) of the region an LPO or a regional body belongs to, e.g. "22".',
  })
  @OptionalCountyCode()
  countyCode?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "Whether municipalities take part; a working group inherits its parent's when omitted.",
  })
  @IsOptional()
  municipalParticipation?: boolean | null;

  @Field(() => String, { description: "Details of the municipal participation.", nullable: true })
  @OptionalText(2000)
  municipalParticipationNote?: string | null;

  @Field(() => GraphQLDate, { nullable: true, description: "Day the body was established." })
  @IsOptional()
  validFrom?: Date | null;

  @Field(() => String, { description: "Remarks, e.g. on what is not confirmed.", nullable: true })
  @OptionalText(2000)
  note?: string | null;

  @Field(() => [String], { nullable: true, description: "Public sources: at most 50, each at most 2000 characters." })
  @Sources()
  sources?: string[] | null;
}

@InputType({
  description:
    "Changes to a body's description. Its kind, parent and place do not change: dissolve it and create a new one. Omitted fields stay; null clears an optional field.",
})
export class UpdateGroupInput {
  @Field(() => ID, { description: "The group's global ID." })
  @Id()
  id!: string;

  @Field(() => Int, {
    nullable: true,
    description: "The version you last read; CONFLICT if the group has changed since.",
  })
  @OptionalVersion()
  expectedVersion?: number | null;

  @Field(() => String, {
    nullable: true,
    description: "A new name. The old one is kept as a former name (`otherNames`), last used yesterday.",
  })
  @OptionalText(300)
  name?: string;

  @Field(() => String, { description: "Short name or abbreviation.", nullable: true })
  @OptionalText(100)
  shortName?: string | null;

  @Field(() => String, { description: "What the body does.", nullable: true })
  @OptionalText(4000)
  description?: string | null;

  @Field(() => Boolean, { description: "Whether municipalities take part (kommunal medverkan).", nullable: true })
  @IsOptional()
  municipalParticipation?: boolean;

  @Field(() => String, { description: "Details of the municipal participation.", nullable: true })
  @OptionalText(2000)
  municipalParticipationNote?: string | null;

  @Field(() => GraphQLDate, { description: "Day the body was established.", nullable: true })
  @IsOptional()
  validFrom?: Date | null;

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

@InputType({
  description:
    "Dissolves a body. Nothing is deleted: the group gets its last day, and its open memberships (and its working groups, with theirs) end on that day.",
})
export class DissolveGroupInput {
  @Field(() => ID, { description: "The group's global ID." })
  @Id()
  id!: string;

  @Field(() => Int, {
    nullable: true,
    description: "The version you last read; CONFLICT if the group has changed since.",
  })
  @OptionalVersion()
  expectedVersion?: number | null;

  @Field(() => GraphQLDate, { nullable: true, description: "Last day of the body; defaults to yesterday." })
  @IsOptional()
  validTo?: Date | null;
}
