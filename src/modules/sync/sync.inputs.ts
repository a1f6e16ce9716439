import { ArrayMaxSize, ArrayMinSize, IsOptional, Max, Min, ValidateNested } from "class-validator";
import { Extensions, Field, Float, ID, InputType, Int, registerEnumType } from "type-graphql";
import { CELLS_CHECKED_BY_RESOLVER } from "../../graphql/request-guards";
import {
  Bounded,
  BoundedMatches,
  Id,
  MAX_SLUG_LENGTH,
  OptionalCountyCode,
  SOURCE_SYSTEM,
} from "../../graphql/validation";

/**
 * Rows in one request. Parsing, coercing and checking the shape of a request's rows happen in
 * one turn of the event loop before any resolver runs (about 10 ms per 1 000 rows here), so a
 * larger list is sent in chunks to an opened run (`openMembershipSync`).
 */
export const MAX_SYNC_ROWS = 10_000;

/** Rows of one run opened with `openMembershipSync`, all chunks together. */
export const MAX_STAGED_SYNC_ROWS = 200_000;

/** REPLACE ends at most this share of the source's running memberships in scope unless the input allows more. */
export const DEFAULT_MAX_ENDED_SHARE = 0.2;

export enum SyncMode {
  MERGE = "MERGE",
  REPLACE = "REPLACE",
}

registerEnumType(SyncMode, {
  name: "SyncMode",
  description: "What a sync does with the source system's memberships in scope that the list does not have.",
  valuesConfig: {
    MERGE: { description: "Leave them: only add and update." },
    REPLACE: {
      description:
        "End them (last day yesterday, or their first day if that is later): the list is the whole truth for the scope. Always atomic.",
    },
  },
});

@InputType({
  description:
    "The groups a sync covers: name the groups, or a region to cover every group it owns (its LPOs, LAGs and other bodies with its county code). Give exactly one.",
})
export class SyncScopeInput {
  @Field(() => [String], { nullable: true, description: "Slugs of the groups." })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(5_000)
  @Bounded(MAX_SLUG_LENGTH, { each: true })
  groups?: string[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'County code (länskod) of the region whose groups are covered, e.g. "22".',
  })
  @OptionalCountyCode()
  countyCode?: string | null;
}

/**
 * Every cell of a row is a nullable `String`, as the source system has it, and is checked by the
 * sync itself (src/modules/sync/sync.cells.ts): a bad cell (a date that does not exist, an unknown
 * role, a NUL character, an over-long name) fails its row with an error naming the field, never
 * the request. The request guards leave these cells to the sync for the same reason.
 */
@InputType({
  description:
    "The person holding a synced membership. Matched by `externalId` in the sync's source system, else by `hsaId`; created when neither matches. A matched person's differing fields are reported as `personDrift`, and changed only with `updatePeople`. Each field is checked by the sync: a bad value fails the row, not the request.",
})
export class SyncPersonInput {
  @Field(() => String, { nullable: true, description: "The person's id in the source system, at most 200 characters." })
  externalId?: string | null;

  @Field(() => String, { nullable: true, description: "HSA-id, e.g. SE2321000131-P000000000001." })
  hsaId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Given name (förnamn), required, at most 100 characters; used when the person is created, compared with a stored person's.",
  })
  givenName?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Family name (efternamn), required, at most 100 characters; used when the person is created, compared with a stored person's.",
  })
  familyName?: string | null;

  @Field(() => String, {
    description:
      "Professional title, at most 200 characters; used when the person is created, compared with a stored person's when given.",
    nullable: true,
  })
  title?: string | null;
}

@Extensions({ [CELLS_CHECKED_BY_RESOLVER]: true })
@InputType({
  description:
    "One membership as the source system has it. Every field is text, checked by the sync: a bad value fails this row (`FAILED`, with an error naming the field), never the whole request.",
})
export class SyncMembershipInput {
  @Field(() => String, {
    nullable: true,
    description:
      "The membership's id in the source system, required, at most 200 characters: the key that makes a sync repeatable.",
  })
  externalId?: string | null;

  @Field(() => SyncPersonInput, { nullable: true, description: "Who holds the seat; required." })
  person?: SyncPersonInput | null;

  @Field(() => String, { nullable: true, description: "Slug of the group, required; it must be within the scope." })
  group?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The role, required: a `MembershipRole` name such as `MEMBER` or `CHAIR`, one used in groups of that kind.",
  })
  role?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Slug of the organisation represented, e.g. `region-vasternorrland` or `kommun-2281`.",
  })
  representing?: string | null;

  @Field(() => String, { nullable: true, description: "First day as YYYY-MM-DD (1000-01-01 to 9999-12-31), required." })
  validFrom?: string | null;

  @Field(() => String, { nullable: true, description: "Last day as YYYY-MM-DD; null or absent while it runs." })
  validTo?: string | null;
}

@InputType({ description: "A bulk membership sync from one source system." })
export class SyncMembershipsInput {
  @Field({
    description:
      'Name of the source system, e.g. "hr-region-22". Only memberships from this source are updated or ended.',
  })
  @BoundedMatches(SOURCE_SYSTEM, 100, "sourceSystem must be letters, digits and . _ : -")
  sourceSystem!: string;

  @Field(() => SyncScopeInput, { description: "The groups the sync covers." })
  @ValidateNested()
  scope!: SyncScopeInput;

  @Field(() => SyncMode, {
    description: "MERGE (add and update) or REPLACE (also end what the list no longer has).",
    defaultValue: SyncMode.MERGE,
  })
  mode!: SyncMode;

  @Field({ defaultValue: false, description: "Check and report everything, then roll back: nothing is written." })
  dryRun!: boolean;

  @Field({
    defaultValue: false,
    description:
      "MERGE only: when true, one bad row rejects the whole run. When false, valid rows are applied and bad rows reported. REPLACE is always atomic.",
  })
  atomic!: boolean;

  @Field(() => Float, {
    defaultValue: DEFAULT_MAX_ENDED_SHARE,
    description:
      "REPLACE only: the largest share (0 to 1) of the source's running memberships in scope that the run may end. A run that would end more is refused with BAD_USER_INPUT (`extensions.wouldEnd`, `running`, `share`), so a truncated export cannot wipe a region. Give 1 to allow any share.",
  })
  @Min(0, { message: "maxEndedShare must be between 0 and 1" })
  @Max(1, { message: "maxEndedShare must be between 0 and 1" })
  maxEndedShare!: number;

  @Field({
    defaultValue: false,
    description:
      "REPLACE only: a list without rows ends every running membership of the source in scope, and is refused unless this is true.",
  })
  allowEmpty!: boolean;

  @Field({
    defaultValue: false,
    description:
      "When true, a stored person of this source system (matched by its external id) whose names or title differ from a row's is updated to the row's values, and gets the row's HSA-id when none is stored; each change is audited. When false, the differences are only reported (`personDrift`).",
  })
  updatePeople!: boolean;

  @Field(() => [SyncMembershipInput], {
    description: `The memberships, at most ${MAX_SYNC_ROWS} in one request; more are sent in chunks to a run opened with \`openMembershipSync\` (its first chunk here).`,
  })
  @ArrayMaxSize(MAX_SYNC_ROWS, {
    message: `memberships must have at most ${MAX_SYNC_ROWS} rows in one request; send more in chunks (openMembershipSync, addMembershipSyncRows)`,
  })
  memberships!: SyncMembershipInput[];
}

@InputType({
  description:
    "A chunk of rows for a run opened with `openMembershipSync`. Chunks are appended in order: `offset` is the position of the chunk's first row in the whole list, so a chunk sent again after a lost answer is recognised and changes nothing.",
})
export class AddSyncRowsInput {
  @Field(() => ID, { description: "The opened run (`SyncRun.id`)." })
  @Id()
  runId!: string;

  @Field(() => Int, {
    description:
      "Position of this chunk's first row in the list: the run's `rowsTotal` for the next chunk, or the offset of a chunk already sent when sending it again.",
  })
  @Min(0, { message: "offset must be 0 or more" })
  offset!: number;

  @Field(() => [SyncMembershipInput], { description: `The rows, 1 to ${MAX_SYNC_ROWS}.` })
  @ArrayMinSize(1, { message: "memberships must have at least one row" })
  @ArrayMaxSize(MAX_SYNC_ROWS, { message: `memberships must have at most ${MAX_SYNC_ROWS} rows in one chunk` })
  memberships!: SyncMembershipInput[];
}
