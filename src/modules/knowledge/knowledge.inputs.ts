import { ArrayMaxSize, IsNumber, IsOptional, Max, Min, ValidateNested } from "class-validator";
import { Extensions, Field, Float, ID, InputType, Int } from "type-graphql";
import {
  DecisionBody,
  ImplementationStatus,
  KnowledgeSupportKind,
  KnowledgeSupportState,
  Provenance,
} from "../../generated/prisma/enums";
import { CELLS_CHECKED_BY_RESOLVER } from "../../graphql/request-guards";
import { GraphQLDate } from "../../graphql/scalars";
import {
  BoundedMatches,
  CountyCode,
  Id,
  OptionalId,
  OptionalIds,
  OptionalMunicipalityCode,
  OptionalText,
  OptionalVersion,
  Slug,
  Sources,
  Text,
  MUNICIPALITY_CODE,
} from "../../graphql/validation";
import { applyDecorators } from "../../graphql/decorators";

/** Rows of one tracking sheet. */
export const MAX_SHEET_ROWS = 5_000;

/** An http(s) address without spaces. */
const URL_PATTERN = /^https?:\/\/\S+$/;
function OptionalUrl(): PropertyDecorator {
  return applyDecorators(IsOptional(), BoundedMatches(URL_PATTERN, 2000, "$property must be an http(s) address"));
}

@InputType({ description: "A change of lifecycle state, from a day on; the current state ends the day before." })
export class KnowledgeSupportStateChange {
  @Field(() => KnowledgeSupportState, { description: "The new state." })
  state!: KnowledgeSupportState;

  @Field(() => GraphQLDate, { description: "First day of the new state." })
  from!: Date;

  @Field(() => String, { nullable: true, description: "Why; required for RETIRED." })
  @OptionalText(2000)
  reason?: string | null;
}

@InputType({ description: "A published version to add." })
export class KnowledgeSupportVersionInput {
  @Field({ description: 'Version label, e.g. "2.0".' })
  @Text(50)
  label!: string;

  @Field(() => GraphQLDate, { nullable: true, description: "Day it was published." })
  @IsOptional()
  publishedOn?: Date | null;

  @Field(() => String, { nullable: true, description: "What changed." })
  @OptionalText(2000)
  note?: string | null;
}

@InputType({ description: "A new knowledge support in the register. Needs `write`." })
export class CreateKnowledgeSupportInput {
  @Field({ description: "Stable natural key, e.g. `vardforlopp-psykos`." })
  @Slug()
  slug!: string;

  @Field({ description: "Its name." })
  @Text(300)
  name!: string;

  @Field(() => KnowledgeSupportKind, { description: "What kind of knowledge support it is." })
  kind!: KnowledgeSupportKind;

  @Field(() => ID, { nullable: true, description: "The owning NPO, NSG or NAG; give this or `ownerOrganisation`." })
  @OptionalId()
  ownerGroup?: string | null;

  @Field(() => ID, { nullable: true, description: "The owning agency; give this or `ownerGroup`." })
  @OptionalId()
  ownerOrganisation?: string | null;

  @Field(() => [ID], { nullable: true, description: "Its program areas (NPOs, the primary-care council): at most 30." })
  @OptionalIds(30)
  programAreas?: string[] | null;

  @Field(() => String, { nullable: true, description: "What it covers." })
  @OptionalText(4000)
  description?: string | null;

  @Field(() => String, { nullable: true, description: "Where it is published (http or https)." })
  @OptionalUrl()
  url?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Whether municipalities are a target. Default false." })
  @IsOptional()
  municipalTarget?: boolean | null;

  @Field(() => KnowledgeSupportStateChange, { description: "Its lifecycle state, from a day on." })
  @ValidateNested()
  state!: KnowledgeSupportStateChange;

  @Field(() => String, { nullable: true, description: "Remarks." })
  @OptionalText(2000)
  note?: string | null;

  @Field(() => [String], { nullable: true, description: "Public sources: at most 50, each at most 2000 characters." })
  @Sources()
  sources?: string[] | null;
}

@InputType({ description: "Changes to a knowledge support. Omitted fields stay; null clears an optional field." })
export class UpdateKnowledgeSupportInput {
  @Field(() => ID, { description: "The knowledge support's global ID." })
  @Id()
  id!: string;

  @Field(() => Int, { nullable: true, description: "The version you last read; CONFLICT if it has changed since." })
  @OptionalVersion()
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true, description: "New name; the old one is kept as a former name." })
  @OptionalText(300)
  name?: string;

  @Field(() => KnowledgeSupportKind, { nullable: true, description: "Its kind." })
  @IsOptional()
  kind?: KnowledgeSupportKind;

  @Field(() => [ID], { nullable: true, description: "Its program areas, replacing the current ones: at most 30." })
  @OptionalIds(30)
  programAreas?: string[] | null;

  @Field(() => String, { nullable: true, description: "What it covers." })
  @OptionalText(4000)
  description?: string | null;

  @Field(() => String, { nullable: true, description: "Where it is published." })
  @OptionalUrl()
  url?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Whether municipalities are a target." })
  @IsOptional()
  municipalTarget?: boolean;

  @Field(() => KnowledgeSupportStateChange, { nullable: true, description: "A new lifecycle state." })
  @IsOptional()
  @ValidateNested()
  newState?: KnowledgeSupportStateChange | null;

  @Field(() => KnowledgeSupportVersionInput, { nullable: true, description: "A published version to add." })
  @IsOptional()
  @ValidateNested()
  addVersion?: KnowledgeSupportVersionInput | null;

  @Field(() => String, { nullable: true, description: "Remarks." })
  @OptionalText(2000)
  note?: string | null;

  @Field(() => [String], { nullable: true, description: "Public sources: at most 50, each at most 2000 characters." })
  @Sources()
  sources?: string[] | null;
}

@InputType({ description: "A change of implementation status, from a day on; the current status ends the day before." })
export class ImplementationStatusChange {
  @Field(() => ImplementationStatus, { description: "The new status." })
  status!: ImplementationStatus;

  @Field(() => GraphQLDate, { description: "First day of the new status." })
  from!: Date;

  @Field(() => String, { nullable: true, description: "Why; required for NOT_TO_BE_IMPLEMENTED." })
  @OptionalText(2000)
  reason?: string | null;
}

@InputType({
  description:
    "A new implementation of a knowledge support in a region or one municipality. Needs `write` or `write:region:<länskod>` of the region.",
})
export class CreateImplementationInput {
  @Field(() => ID, { description: "The knowledge support's global ID." })
  @Id()
  knowledgeSupport!: string;

  @Field({ description: 'The region (länskod, e.g. "22"); for a municipality, its county.' })
  @CountyCode()
  countyCode!: string;

  @Field(() => String, {
    nullable: true,
    description: 'One municipality implementing on its own (kommunkod, e.g. "2281").',
  })
  @OptionalMunicipalityCode()
  municipalityCode?: string | null;

  @Field(() => Boolean, { nullable: true, description: "A joint process of the region and its municipalities." })
  @IsOptional()
  jointWithMunicipalities?: boolean | null;

  @Field(() => [String], {
    nullable: true,
    description: "The municipalities of the county taking part in a joint process (kommunkoder): at most 60.",
  })
  @IsOptional()
  @ArrayMaxSize(60)
  @BoundedMatches(MUNICIPALITY_CODE, 4, "$property must be four-digit kommunkoder, e.g. 2281", { each: true })
  municipalities?: string[] | null;

  @Field(() => GraphQLDate, { nullable: true, description: "Day of the decision." })
  @IsOptional()
  decisionDate?: Date | null;

  @Field(() => DecisionBody, { nullable: true, description: "Which body decided." })
  @IsOptional()
  decidedBy?: DecisionBody | null;

  @Field(() => ID, { nullable: true, description: "The group that decided (e.g. the LPO), where it is one." })
  @OptionalId()
  decidedByGroup?: string | null;

  @Field(() => ID, { nullable: true, description: "The responsible LPO or LAG, of the same region." })
  @OptionalId()
  responsibleGroup?: string | null;

  @Field(() => String, { nullable: true, description: "Local adaptations." })
  @OptionalText(4000)
  adaptationNote?: string | null;

  @Field(() => ImplementationStatusChange, { description: "Its status, from a day on." })
  @ValidateNested()
  status!: ImplementationStatusChange;

  @Field(() => String, { nullable: true, description: "Remarks." })
  @OptionalText(2000)
  note?: string | null;

  @Field(() => [String], { nullable: true, description: "Sources: at most 50, each at most 2000 characters." })
  @Sources()
  sources?: string[] | null;
}

@InputType({ description: "Changes to an implementation. Omitted fields stay; null clears an optional field." })
export class UpdateImplementationInput {
  @Field(() => ID, { description: "The implementation's global ID." })
  @Id()
  id!: string;

  @Field(() => Int, { nullable: true, description: "The version you last read; CONFLICT if it has changed since." })
  @OptionalVersion()
  expectedVersion?: number | null;

  @Field(() => Boolean, { nullable: true, description: "A joint process of the region and its municipalities." })
  @IsOptional()
  jointWithMunicipalities?: boolean;

  @Field(() => [String], { nullable: true, description: "The municipalities taking part, replacing the current ones." })
  @IsOptional()
  @ArrayMaxSize(60)
  @BoundedMatches(MUNICIPALITY_CODE, 4, "$property must be four-digit kommunkoder, e.g. 2281", { each: true })
  municipalities?: string[] | null;

  @Field(() => GraphQLDate, { nullable: true, description: "Day of the decision." })
  @IsOptional()
  decisionDate?: Date | null;

  @Field(() => DecisionBody, { nullable: true, description: "Which body decided." })
  @IsOptional()
  decidedBy?: DecisionBody | null;

  @Field(() => ID, { nullable: true, description: "The group that decided." })
  @OptionalId()
  decidedByGroup?: string | null;

  @Field(() => ID, { nullable: true, description: "The responsible LPO or LAG." })
  @OptionalId()
  responsibleGroup?: string | null;

  @Field(() => String, { nullable: true, description: "Local adaptations." })
  @OptionalText(4000)
  adaptationNote?: string | null;

  @Field(() => ImplementationStatusChange, { nullable: true, description: "A new status." })
  @IsOptional()
  @ValidateNested()
  newStatus?: ImplementationStatusChange | null;

  @Field(() => String, { nullable: true, description: "Remarks." })
  @OptionalText(2000)
  note?: string | null;

  @Field(() => [String], { nullable: true, description: "Sources: at most 50, each at most 2000 characters." })
  @Sources()
  sources?: string[] | null;
}

@InputType({ description: "A new follow-up indicator of a knowledge support. Needs `write`." })
export class CreateFollowUpInput {
  @Field(() => ID, { description: "The knowledge support's global ID." })
  @Id()
  knowledgeSupport!: string;

  @Field({ description: "What is measured." })
  @Text(300)
  indicator!: string;

  @Field({ description: "Where the values come from, e.g. a national quality register." })
  @Text(300)
  dataSource!: string;

  @Field(() => String, { nullable: true, description: 'Target level (målnivå), e.g. "≥ 80 %".' })
  @OptionalText(200)
  targetLevel?: string | null;

  @Field(() => String, { nullable: true, description: "Remarks." })
  @OptionalText(2000)
  note?: string | null;

  @Field(() => [String], { nullable: true, description: "Sources: at most 50, each at most 2000 characters." })
  @Sources()
  sources?: string[] | null;
}

@InputType({ description: "Changes to a follow-up indicator. Omitted fields stay; null clears an optional field." })
export class UpdateFollowUpInput {
  @Field(() => ID, { description: "The follow-up's global ID." })
  @Id()
  id!: string;

  @Field(() => Int, { nullable: true, description: "The version you last read; CONFLICT if it has changed since." })
  @OptionalVersion()
  expectedVersion?: number | null;

  @Field(() => String, {
    nullable: true,
    description: "What is measured; CONFLICT when the knowledge support has another indicator of that name.",
  })
  @OptionalText(300)
  indicator?: string;

  @Field(() => String, { nullable: true, description: "Where the values come from." })
  @OptionalText(300)
  dataSource?: string;

  @Field(() => String, { nullable: true, description: 'Target level (målnivå), e.g. "≥ 80 %".' })
  @OptionalText(200)
  targetLevel?: string | null;

  @Field(() => String, { nullable: true, description: "Remarks." })
  @OptionalText(2000)
  note?: string | null;

  @Field(() => [String], { nullable: true, description: "Sources: at most 50, each at most 2000 characters." })
  @Sources()
  sources?: string[] | null;

  @Field(() => Provenance, {
    nullable: true,
    description: "How well sources confirm it, e.g. VERIFIED once the sources listed confirm it; cannot be cleared.",
  })
  @IsOptional()
  provenance?: Provenance;
}

@InputType({
  description:
    "A value of a follow-up indicator for a region and a period; reporting the same period again replaces it. Needs `write` or `write:region:<länskod>`.",
})
export class ReportFollowUpValueInput {
  @Field(() => ID, { description: "The follow-up's global ID." })
  @Id()
  followUp!: string;

  @Field({ description: 'The region (länskod, e.g. "22").' })
  @CountyCode()
  countyCode!: string;

  @Field(() => Float, {
    description: "The value in the indicator's unit (a share, rate or count): from 0 to 10¹⁰.",
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1e10)
  value!: number;

  @Field(() => GraphQLDate, { description: "First day of the period measured." })
  periodStart!: Date;

  @Field(() => GraphQLDate, { description: "Last day of the period measured." })
  periodEnd!: Date;

  @Field(() => String, { nullable: true, description: "Where the value was taken from." })
  @OptionalText(500)
  source?: string | null;
}

/**
 * Every cell of a tracking-sheet row is a nullable `String`, as the region's sheet has it, and is
 * checked by the sync itself (knowledge.sheet.ts): a bad cell (a day that does not exist, an
 * unknown status, a NUL character, an over-long reason) fails its row with an error naming the
 * field, never the request. The request guards leave these cells to the sync for the same reason.
 */
@Extensions({ [CELLS_CHECKED_BY_RESOLVER]: true })
@InputType({
  description:
    "One row of a region's tracking sheet: a knowledge support's status in the region or one of its municipalities. Every field is text, checked by the sync: a bad value fails this row (a failure naming the field), never the whole request.",
})
export class ImplementationStatusRowInput {
  @Field(() => String, { nullable: true, description: "The knowledge support's slug, required." })
  knowledgeSupport?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A municipality of the county (kommunkod, e.g. "2281"); the region\'s own when omitted or empty.',
  })
  municipalityCode?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Its status, required: an `ImplementationStatus` name such as `DECIDED` or `IMPLEMENTING`.",
  })
  status?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Since when it has had that status, required: YYYY-MM-DD (1000-01-01 to 9999-12-31).",
  })
  from?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Why, at most 2000 characters; required for NOT_TO_BE_IMPLEMENTED.",
  })
  reason?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Day of the decision, where one was taken: YYYY-MM-DD.",
  })
  decisionDate?: string | null;
}

@InputType({
  description:
    "A region's tracking sheet of implementation statuses. Rows whose status is already recorded change nothing, so the same sheet can be sent again. Needs `write` or `write:region:<länskod>`.",
})
export class SyncImplementationStatusesInput {
  @Field({ description: 'The region (länskod, e.g. "22").' })
  @CountyCode()
  countyCode!: string;

  @Field(() => Boolean, { defaultValue: false, description: "Check and report everything, write nothing." })
  @IsOptional()
  dryRun!: boolean;

  @Field(() => [ImplementationStatusRowInput], {
    description: `The rows: at most ${MAX_SHEET_ROWS}. Each row's cells are checked by the sync.`,
  })
  @ArrayMaxSize(MAX_SHEET_ROWS, { message: `rows must have at most ${MAX_SHEET_ROWS} rows` })
  rows!: ImplementationStatusRowInput[];
}
