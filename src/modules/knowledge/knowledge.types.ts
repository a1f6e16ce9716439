import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import {
  DecisionBody,
  ImplementationStatus,
  KnowledgeSupportKind,
  KnowledgeSupportState,
  Provenance,
} from "../../generated/prisma/enums";
import { Connection } from "../../graphql/pagination";
import { GraphQLDate, GraphQLDateTime } from "../../graphql/scalars";
import { Node } from "../../graphql/node";

registerEnumType(KnowledgeSupportKind, {
  name: "KnowledgeSupportKind",
  description: "What kind of knowledge support (kunskapsstöd) it is: a closed set.",
  valuesConfig: {
    CARE_PATHWAY: { description: "Personcentrerat och sammanhållet vårdförlopp (a person-centred care pathway)." },
    CLINICAL_KNOWLEDGE_SUPPORT: {
      description: "Nationellt kunskapsunderlag or kliniskt kunskapsstöd (national clinical knowledge support).",
    },
    CARE_PROGRAMME: { description: "Vårdprogram (a care programme)." },
    NATIONAL_GUIDELINES: { description: "Nationella riktlinjer (national guidelines)." },
    RECOMMENDATION: { description: "Rekommendation (a recommendation)." },
    QUALITY_INDICATORS: { description: "Kvalitetsindikatorer och målnivåer (quality indicators and target levels)." },
    FRAMEWORK: {
      description: "Ramverk or metodstöd: how knowledge support is made (e.g. the generiskt ramverk för kunskapsstöd).",
    },
  },
});

registerEnumType(KnowledgeSupportState, {
  name: "KnowledgeSupportState",
  description: "Where a knowledge support is in its life.",
  valuesConfig: {
    PLANNED: { description: "Planned (planerad)." },
    IN_DEVELOPMENT: { description: "Being developed (under framtagande)." },
    IN_CONSULTATION: { description: "Out for consultation (på remiss)." },
    PUBLISHED: { description: "Published (publicerad)." },
    UNDER_REVISION: { description: "Published and being revised (under revidering)." },
    RETIRED: { description: "Retired or deliberately dropped (bortvald); the period carries the reason." },
  },
});

registerEnumType(ImplementationStatus, {
  name: "ImplementationStatus",
  description: "How far a region or municipality has come with a knowledge support (införande).",
  valuesConfig: {
    NOT_DECIDED: { description: "Not yet decided on." },
    DECIDED: { description: "Decided to implement." },
    PLANNING: { description: "Implementation being planned." },
    IMPLEMENTING: { description: "Being implemented (införande pågår)." },
    IMPLEMENTED: { description: "Implemented (infört)." },
    FOLLOWED_UP: { description: "Implemented and followed up (uppföljt)." },
    NOT_TO_BE_IMPLEMENTED: { description: "Decided not to implement; the period carries the reason." },
  },
});

registerEnumType(DecisionBody, {
  name: "DecisionBody",
  description: "Which body decided on an implementation.",
  valuesConfig: {
    LPO: { description: "A local program area (LPO)." },
    REGIONAL_COUNCIL: { description: "A regional council or the region's management." },
    JOINT_KNOWLEDGE_COUNCIL: {
      description: "A joint region–municipality body, e.g. the VGR–VästKom kunskapsråd or HälSam.",
    },
    MUNICIPAL_BODY: { description: "A municipality's own body." },
    OTHER: { description: "Another body; see the implementation's note." },
  },
});

/** A knowledge support's row as the API reads it. */
export interface KnowledgeSupportRow {
  id: string;
  slug: string;
  name: string;
  kind: KnowledgeSupportKind;
  description: string | null;
  ownerGroupId: string | null;
  ownerOrganisationId: string | null;
  url: string | null;
  municipalTarget: boolean;
  provenance: Provenance;
  note: string | null;
  sources: string[];
  version: number;
}

@ObjectType({
  implements: Node,
  description:
    "A knowledge support (kunskapsstöd) in the national register: a care pathway, clinical knowledge support, guideline or the like, owned by a national group (NPO, NSG, NAG) or an agency.",
})
export class KnowledgeSupport {
  @Field(() => ID, { description: "Opaque global ID." })
  id!: string;

  @Field({ description: "Stable natural key, e.g. `generiskt-ramverk-for-kunskapsstod`." })
  slug!: string;

  @Field({ description: "Its current name." })
  name!: string;

  @Field(() => KnowledgeSupportKind, { description: "What kind of knowledge support it is." })
  kind!: KnowledgeSupportKind;

  @Field(() => String, { nullable: true, description: "What it covers." })
  description!: string | null;

  @Field(() => String, { nullable: true, description: "Where it is published." })
  url!: string | null;

  @Field({ description: "Whether municipalities are a target (kommunal medverkan)." })
  municipalTarget!: boolean;

  @Field(() => Provenance, {
    description: "VERIFIED when public sources confirm it; RECORDED when entered, synced or generated.",
  })
  provenance!: Provenance;

  @Field(() => String, {
    nullable: true,
    description: "Remarks, e.g. on what is not confirmed or that it is generated.",
  })
  note!: string | null;

  @Field(() => [String], { description: "Public sources the record is based on." })
  sources!: string[];

  @Field(() => Int, {
    description: "Version of the record, raised by every change; pass it as `expectedVersion` when you update.",
  })
  version!: number;

  ownerGroupId!: string | null;
  ownerOrganisationId!: string | null;
}

export interface StatePeriodRow {
  knowledgeSupportId: string;
  state: KnowledgeSupportState;
  validFrom: Date | null;
  validTo: Date | null;
  reason: string | null;
}

@ObjectType({ description: "A period of a knowledge support's lifecycle; both days included, an open end runs on." })
export class KnowledgeSupportStatePeriod {
  @Field(() => KnowledgeSupportState, { description: "The state." })
  state!: KnowledgeSupportState;

  @Field(() => GraphQLDate, { nullable: true, description: "First day; null when it began before records." })
  validFrom!: Date | null;

  @Field(() => GraphQLDate, { nullable: true, description: "Last day; null while it lasts." })
  validTo!: Date | null;

  @Field(() => String, { nullable: true, description: "Why; always given when RETIRED." })
  reason!: string | null;
}

@ObjectType({ description: "A published version of a knowledge support." })
export class KnowledgeSupportVersion {
  @Field({ description: 'Version label, e.g. "2.0".' })
  label!: string;

  @Field(() => GraphQLDate, { nullable: true, description: "Day it was published." })
  publishedOn!: Date | null;

  @Field(() => String, { nullable: true, description: "What changed." })
  note!: string | null;
}

@ObjectType({ description: "A name a knowledge support was known by before." })
export class KnowledgeSupportFormerName {
  @Field({ description: "The former name." })
  name!: string;

  @Field(() => GraphQLDate, { nullable: true, description: "Last day it was used, where known." })
  usedUntil!: Date | null;
}

export interface ImplementationRow {
  id: string;
  knowledgeSupportId: string;
  countyCode: string;
  municipalityCode: string | null;
  jointWithMunicipalities: boolean;
  decisionDate: Date | null;
  decidedBy: DecisionBody | null;
  decidedByGroupId: string | null;
  responsibleGroupId: string | null;
  adaptationNote: string | null;
  provenance: Provenance;
  note: string | null;
  sources: string[];
  version: number;
}

@ObjectType({
  implements: Node,
  description:
    "Införande: a knowledge support taken up by a region (optionally jointly with its municipalities) or by one municipality, with its decision and its status over time.",
})
export class Implementation {
  @Field(() => ID, { description: "Opaque global ID." })
  id!: string;

  @Field({
    description:
      "True for a joint process of the region and its municipalities (e.g. Västernorrland's länsgemensam process, VGR–VästKom).",
  })
  jointWithMunicipalities!: boolean;

  @Field(() => GraphQLDate, { nullable: true, description: "Day of the decision to implement (or not)." })
  decisionDate!: Date | null;

  @Field(() => DecisionBody, { nullable: true, description: "Which body decided." })
  decidedBy!: DecisionBody | null;

  @Field(() => String, { nullable: true, description: "Local adaptations (lokala anpassningar)." })
  adaptationNote!: string | null;

  @Field(() => Provenance, { description: "RECORDED when entered, synced or generated." })
  provenance!: Provenance;

  @Field(() => String, { nullable: true, description: "Remarks, e.g. that the record is generated." })
  note!: string | null;

  @Field(() => [String], { description: "Sources the record is based on." })
  sources!: string[];

  @Field(() => Int, {
    description: "Version of the record, raised by every change; pass it as `expectedVersion` when you update.",
  })
  version!: number;

  knowledgeSupportId!: string;
  countyCode!: string;
  municipalityCode!: string | null;
  decidedByGroupId!: string | null;
  responsibleGroupId!: string | null;
}

export interface StatusPeriodRow {
  implementationId: string;
  status: ImplementationStatus;
  validFrom: Date;
  validTo: Date | null;
  reason: string | null;
}

@ObjectType({ description: "A period of an implementation's status; both days included, an open end runs on." })
export class ImplementationStatusPeriod {
  @Field(() => ImplementationStatus, { description: "The status." })
  status!: ImplementationStatus;

  @Field(() => GraphQLDate, { description: "First day." })
  validFrom!: Date;

  @Field(() => GraphQLDate, { nullable: true, description: "Last day; null while it lasts." })
  validTo!: Date | null;

  @Field(() => String, { nullable: true, description: "Why; always given when NOT_TO_BE_IMPLEMENTED." })
  reason!: string | null;
}

export interface FollowUpRow {
  id: string;
  knowledgeSupportId: string;
  indicator: string;
  dataSource: string;
  targetLevel: string | null;
  provenance: Provenance;
  note: string | null;
  sources: string[];
  version: number;
}

@ObjectType({
  implements: Node,
  description:
    "Uppföljning: an indicator a knowledge support is followed up by, with its data source and target level.",
})
export class FollowUp {
  @Field(() => ID, { description: "Opaque global ID." })
  id!: string;

  @Field({ description: "What is measured, e.g. the share of patients with a documented plan." })
  indicator!: string;

  @Field({ description: "Where the values come from, e.g. a national quality register (kvalitetsregister)." })
  dataSource!: string;

  @Field(() => String, { nullable: true, description: 'Target level (målnivå) where one is set, e.g. "≥ 80 %".' })
  targetLevel!: string | null;

  @Field(() => Provenance, {
    description: "RECORDED when entered or generated, until `updateFollowUp` records how well sources confirm it.",
  })
  provenance!: Provenance;

  @Field(() => String, { nullable: true, description: "Remarks." })
  note!: string | null;

  @Field(() => [String], { description: "Sources the record is based on." })
  sources!: string[];

  @Field(() => Int, { description: "Version of the record, raised by every change." })
  version!: number;

  knowledgeSupportId!: string;
}

export interface FollowUpValueRow {
  followUpId: string;
  countyCode: string;
  value: number;
  periodStart: Date;
  periodEnd: Date;
  source: string | null;
  reportedAt: Date;
}

@ObjectType({ description: "A value of a follow-up indicator reported for a region and a period." })
export class FollowUpValue {
  @Field(() => Float, { description: "The value, in the indicator's unit." })
  value!: number;

  @Field(() => GraphQLDate, { description: "First day of the period measured." })
  periodStart!: Date;

  @Field(() => GraphQLDate, { description: "Last day of the period measured." })
  periodEnd!: Date;

  @Field(() => String, { nullable: true, description: "Where the value was taken from." })
  source!: string | null;

  @Field(() => GraphQLDateTime, { description: "When the value was reported." })
  reportedAt!: Date;

  followUpId!: string;
  countyCode!: string;
}

@ObjectType({ description: "One region's cell of the implementation matrix." })
export class ImplementationMatrixCell {
  @Field(() => String, { description: "The region's county code (länskod)." })
  countyCode!: string;

  @Field(() => Implementation, {
    nullable: true,
    description: "The region's implementation; null when none is recorded.",
  })
  implementation!: ImplementationRow | null;

  @Field(() => ImplementationStatus, {
    description: "Its status on the day asked about; NOT_DECIDED when there is no implementation or no status yet.",
  })
  status!: ImplementationStatus;

  @Field(() => GraphQLDate, { nullable: true, description: "Since when it has had that status." })
  since!: Date | null;
}

@ObjectType({ description: "One knowledge support's row of the implementation matrix: a cell per region." })
export class ImplementationMatrixRow {
  @Field(() => KnowledgeSupport, { description: "The knowledge support." })
  knowledgeSupport!: KnowledgeSupportRow;

  @Field(() => [ImplementationMatrixCell], {
    description: "A cell for each of the 21 regions (or the one asked for), by county code.",
  })
  cells!: ImplementationMatrixCell[];
}

@ObjectType({ description: "A page of knowledge support." })
export class KnowledgeSupportConnection extends Connection(KnowledgeSupport, "KnowledgeSupport") {}

@ObjectType({ description: "What a tracking-sheet sync did, or would do in a dry run." })
export class ImplementationSyncCounts {
  @Field(() => Int, { description: "Implementations recorded for the first time." })
  created!: number;

  @Field(() => Int, { description: "Implementations given a new status." })
  updated!: number;

  @Field(() => Int, { description: "Rows whose status was already recorded." })
  unchanged!: number;

  @Field(() => Int, { description: "Rows that failed; see `failures`." })
  failed!: number;
}

@ObjectType({
  description:
    "Why a row of the sheet failed: one entry for each bad cell, or for the rule the row breaks (a row can have several).",
})
export class ImplementationSyncFailure {
  @Field(() => Int, { description: "The row's position in `rows`, from 0." })
  index!: number;

  @Field(() => String, {
    nullable: true,
    description: "The row's knowledge support (slug), when its cell holds one.",
  })
  knowledgeSupport!: string | null;

  @Field({
    description:
      "BAD_USER_INPUT (a bad cell or a broken rule), NOT_FOUND (no knowledge support has the slug) or CONFLICT (another row is about the same knowledge support and place).",
  })
  code!: string;

  @Field({
    description:
      "The field of the row at fault: `knowledgeSupport`, `municipalityCode`, `status`, `from`, `reason` or `decisionDate`.",
  })
  field!: string;

  @Field({ description: "What is wrong, in words." })
  message!: string;
}

@ObjectType({ description: "The outcome of a tracking-sheet sync." })
export class ImplementationSyncResult {
  @Field({
    description:
      "True when the changes were written: not a dry run, and no row failed (a sheet is applied whole or not at all).",
  })
  applied!: boolean;

  @Field(() => ImplementationSyncCounts, { description: "What it did, or would do." })
  counts!: ImplementationSyncCounts;

  @Field(() => [ImplementationSyncFailure], {
    description: "Why rows failed, in row order; empty when none did.",
  })
  failures!: ImplementationSyncFailure[];
}
