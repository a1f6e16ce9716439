import { GraphQLJSON } from "graphql-scalars";
import { GraphQLDateTime } from "../../graphql/scalars";
import { OptionalCursor, OptionalId } from "../../graphql/validation";
import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { IsOptional, Max, Min } from "class-validator";
import { AuditAction, AuditEntity } from "../../generated/prisma/enums";
import { Connection, ForwardPageArgs, MAX_PAGE_SIZE } from "../../graphql/pagination";

registerEnumType(AuditEntity, {
  name: "AuditEntity",
  description: "The kind of record a change is about.",
  valuesConfig: {
    PERSON: { description: "A person." },
    MEMBERSHIP: { description: "A membership (a seat in a group)." },
    GROUP: { description: "A governance body." },
    ORGANISATION: { description: "An organisation." },
    KNOWLEDGE_SUPPORT: { description: "A knowledge support (kunskapsstöd) of the register." },
    IMPLEMENTATION: { description: "An implementation (införande) of a knowledge support." },
    FOLLOW_UP: { description: "A follow-up indicator (uppföljning), and the values reported for it." },
  },
});
registerEnumType(AuditAction, {
  name: "AuditAction",
  description: "What happened to the record.",
  valuesConfig: {
    CREATED: { description: "It was created." },
    UPDATED: { description: "Fields changed." },
    ENDED: { description: "A membership got its last day." },
    DISSOLVED: { description: "A group got its last day." },
  },
});

@ObjectType({ description: "One changed field." })
export class FieldChange {
  @Field({ description: "The field, e.g. `validTo`." })
  field!: string;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: "Value before (null when created). Dates as YYYY-MM-DD, references as database UUIDs.",
  })
  before!: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: "Value after." })
  after!: unknown;
}

@ObjectType({
  description: "An entry of the audit trail: who changed which record, when, how, in which request or sync run.",
})
export class AuditEvent {
  @Field({ description: "Position in the trail; later changes have higher numbers (commit order)." })
  sequence!: string;

  @Field(() => GraphQLDateTime, { description: "When the transaction that made the change began." })
  occurredAt!: Date;

  @Field({ description: "Name of the API key that made the change." })
  actor!: string;

  @Field(() => String, {
    nullable: true,
    description: "The request id (x-request-id) of the request that made it, as in the server's logs.",
  })
  requestId!: string | null;

  @Field(() => ID, { nullable: true, description: "The sync run, when a `syncMemberships` made it." })
  syncRunId!: string | null;

  @Field(() => AuditEntity, { description: "The kind of record changed." })
  entity!: AuditEntity;

  @Field(() => AuditAction, { description: "What happened to it." })
  action!: AuditAction;

  @Field(() => Int, { description: "The record's version after the change." })
  version!: number;

  @Field(() => [FieldChange], { description: "The fields that changed, before and after." })
  changes!: FieldChange[];
}

@ObjectType({ description: "A page of audit events, oldest first." })
export class AuditEventConnection extends Connection(AuditEvent, "AuditEvent") {}

@ArgsType()
export class AuditEventsArgs extends ForwardPageArgs {
  @Field(() => ID, {
    nullable: true,
    description: "Only changes to this record (a person, membership, group or organisation).",
  })
  @OptionalId()
  entity?: string | null;

  @Field(() => ID, { nullable: true, description: "Only changes made by this sync run (`SyncResult.runId`)." })
  @OptionalId()
  syncRun?: string | null;

  @Field(() => GraphQLDateTime, { nullable: true, description: "Only changes made at or after this time." })
  @IsOptional()
  since?: Date | null;
}

@ArgsType()
export class ChangesArgs {
  @Field(() => String, {
    nullable: true,
    description: "The `cursor` of the previous call; omit it to read from the beginning.",
  })
  @OptionalCursor()
  since?: string | null;

  @Field(() => Int, {
    defaultValue: MAX_PAGE_SIZE,
    description: `How many changes to return, 1 to ${10 * MAX_PAGE_SIZE}.`,
  })
  @Min(1)
  @Max(10 * MAX_PAGE_SIZE)
  first!: number;
}

@ObjectType({
  description:
    "One change to a record. Read the record again through `node` (or `node(id: recordId)`): the feed says that it changed, the node says how it is now. `id` identifies the change, `recordId` the record.",
})
export class Change {
  @Field({ description: "Position in the feed." })
  sequence!: string;

  @Field(() => AuditEntity, { description: "The kind of record changed." })
  entity!: AuditEntity;

  @Field(() => AuditAction, { description: "What happened to it." })
  action!: AuditAction;

  @Field(() => GraphQLDateTime, { description: "When the transaction that made the change began." })
  occurredAt!: Date;
}

@ObjectType({
  description:
    "A page of the change feed, in commit order. Keep `cursor` and pass it as `since` next time; nothing committed after it can appear before it, so a consumer never misses or repeats a change.",
})
export class ChangeFeed {
  @Field(() => [Change], { description: "The changes, oldest first." })
  changes!: Change[];

  @Field({ description: "Where the next call continues. Unchanged when there was nothing new." })
  cursor!: string;

  @Field({ description: "True when more changes are waiting: call again at once." })
  hasMore!: boolean;
}
