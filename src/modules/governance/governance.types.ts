import { Field, ID, Int, InterfaceType, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLDate } from "../../graphql/scalars";
import { NAME_ORDER } from "../../graphql/order";
import {
  GroupKind,
  GroupLevel,
  GroupPhaseKind,
  HostingKind,
  NameKind,
  ParticipationRole,
  Provenance,
} from "../../generated/prisma/enums";
import { Node } from "../../graphql/node";
import { Connection } from "../../graphql/pagination";

registerEnumType(GroupKind, {
  name: "GroupKind",
  description: "The kind of governance body.",
  valuesConfig: {
    NPO: { description: "NPO – nationellt programområde (national program area)." },
    PRIMARY_CARE_COUNCIL: {
      description: "Nationellt primärvårdsråd (national primary-care council), counted beside the NPOs.",
    },
    NSG: { description: "NSG – nationell samverkansgrupp (national collaboration group)." },
    NAG: { description: "NAG – nationell arbetsgrupp (national working group), appointed by an NPO or NSG." },
    RPO: { description: "RPO – sjukvårdsregionalt programområde: mirrors one NPO in one healthcare region." },
    RAG: { description: "RAG – regional arbetsgrupp, appointed by an RPO." },
    LPO: { description: "LPO – lokalt programområde: mirrors one or more NPOs in one region." },
    LAG: { description: "LAG – lokal arbetsgrupp, appointed by an LPO." },
    STEERING_GROUP: { description: "SKS – styrgrupp för kunskapsstyrning (the system's steering group)." },
    PREPARATORY_GROUP: { description: "Beredningsgrupp (preparatory group of the steering group)." },
    CHAIRS_FORUM: { description: "Ordförandeforum (forum of all NPO and NSG chairs)." },
    SUPPORT_FUNCTION: { description: "Nationell stödfunktion (national support function at SKR)." },
    PARTNERSHIP: { description: "Partnership between the regions' system and the agencies." },
    STATE_COUNCIL: { description: "Rådet för styrning med kunskap (council of government agencies)." },
    ADVISORY_GROUP: { description: "Huvudmannagruppen (advisory group of elected politicians)." },
    KNOWLEDGE_COUNCIL: {
      description: "A regional knowledge council (kunskapsråd), e.g. of VästKom and Västra Götalandsregionen.",
    },
    COLLABORATION_STRUCTURE: {
      description:
        "A regional collaboration structure of a region and its municipalities, e.g. HälSam in Västernorrland.",
    },
  },
});
registerEnumType(GroupLevel, {
  name: "GroupLevel",
  description: "The level of the three mirrored levels a body works on.",
  valuesConfig: {
    NATIONAL: { description: "National (nationell nivå)." },
    HEALTHCARE_REGIONAL: { description: "Healthcare-regional (sjukvårdsregional nivå)." },
    REGIONAL: { description: "Regional/local: one region (regional eller lokal nivå)." },
  },
});
registerEnumType(Provenance, {
  name: "Provenance",
  description: "Where a record comes from.",
  valuesConfig: {
    VERIFIED: { description: "Confirmed by the public sources listed on the record." },
    PARTIALLY_VERIFIED: { description: "Partly confirmed; the note says what is not." },
    MODELLED: {
      description:
        "Generated from the regular mirror model (an RPO for every NPO in every healthcare region, an LPO in every region), not confirmed.",
    },
    RECORDED: { description: "Entered or synced by a user or an integration." },
  },
});
registerEnumType(HostingKind, {
  name: "HostingKind",
  description: "Whether a hosting (värdskap) is exercised or held in reserve.",
  valuesConfig: {
    ACTIVE: { description: "Active värdskap." },
    DORMANT: { description: "Vilande (dormant) värdskap." },
  },
});
registerEnumType(NameKind, {
  name: "NameKind",
  description: "Why a body has another name.",
  valuesConfig: {
    FORMER: { description: "A name used before a renaming." },
    VARIANT: { description: "A spelling or wording also in use." },
  },
});

registerEnumType(GroupPhaseKind, {
  name: "GroupPhaseKind",
  description: "A phase a body goes through while it exists; a phase never ends the body (that is `validTo`).",
  valuesConfig: {
    INTERIM: {
      description:
        "Interimistisk period: the body works for a set trial period before a decision on its long-term form.",
    },
  },
});

@ObjectType({
  description:
    "A phase of a body while it exists, e.g. the interim period of the VGR–VästKom kunskapsråd; its validity (`validFrom`, `validTo`) is separate.",
})
export class GroupPhase {
  @Field(() => GroupPhaseKind, { description: "What kind of phase." })
  kind!: GroupPhaseKind;

  @Field(() => GraphQLDate, { description: "First day of the phase." })
  validFrom!: Date;

  @Field(() => GraphQLDate, { nullable: true, description: "Last day of the phase, where set." })
  validTo!: Date | null;

  @Field(() => String, { nullable: true, description: "What the sources say about the phase." })
  note!: string | null;

  @Field(() => [String], { description: "Public sources of the phase." })
  sources!: string[];
}

@ObjectType({ description: "A former name or a variant of a body's name." })
export class OtherName {
  @Field(() => NameKind, { description: "Former name or variant." })
  kind!: NameKind;

  @Field({ description: "The name." })
  name!: string;

  @Field(() => GraphQLDate, { nullable: true, description: "First day a former name was in use, where known." })
  usedFrom!: Date | null;

  @Field(() => GraphQLDate, { nullable: true, description: "Last day a former name was in use, where known." })
  usedUntil!: Date | null;

  @Field(() => String, { nullable: true, description: "Where the name is used or why it changed." })
  note!: string | null;
}

@ObjectType({
  description:
    "A name used before a renaming, with the period it was used where the sources give it (e.g. Nationellt levnadsvaneråd, Uppsala Örebro sjukvårdsregion). Search finds records by their former names too.",
})
export class FormerName {
  @Field({ description: "The name." })
  name!: string;

  @Field(() => GraphQLDate, { nullable: true, description: "First day the name was used, where known." })
  validFrom!: Date | null;

  @Field(() => GraphQLDate, { nullable: true, description: "Last day the name was used, where known." })
  validTo!: Date | null;

  @Field(() => String, { nullable: true, description: "When and where it was used, and what is not confirmed." })
  note!: string | null;
}

@InterfaceType({
  implements: Node,
  description: "Any governance body at any level: NPO, NSG, NAG, RPO, RAG, LPO, LAG, councils and steering bodies.",
  resolveType: (group: { kind: GroupKind }) => typeNameOfKind(group.kind),
})
export abstract class GovernanceGroup {
  @Field(() => ID, { description: "Opaque global ID." })
  id!: string;

  @Field({
    description: "Stable natural key, e.g. `psykisk-halsa`, `rpo-norra-psykisk-halsa`, `lpo-22-psykisk-halsa`.",
  })
  slug!: string;

  @Field(() => GroupKind, { description: "The kind of body." })
  kind!: GroupKind;

  @Field(() => GroupLevel, { description: "The level it works on." })
  level!: GroupLevel;

  @Field({ description: "Full name." })
  name!: string;

  @Field(() => Int, {
    description: "Version of the record, raised by every change; pass it as `expectedVersion` when you update.",
  })
  version!: number;

  @Field(() => String, { nullable: true, description: 'Short name, e.g. "NPO psykisk hälsa".' })
  shortName!: string | null;

  @Field(() => String, { nullable: true, description: "What the body does." })
  description!: string | null;

  @Field({
    description: "True when municipalities take part (kommunal medverkan), as in six program areas since 2019.",
  })
  municipalParticipation!: boolean;

  @Field(() => String, { nullable: true, description: "Details of the municipal participation." })
  municipalParticipationNote!: string | null;

  @Field(() => GraphQLDate, {
    nullable: true,
    description:
      'When municipal participation was decided, where known (the first of the month where only the month is, e.g. "2019-04-01" for the April 2019 decision on the six areas).',
  })
  municipalParticipationSince!: Date | null;

  @Field(() => GraphQLDate, { nullable: true, description: "Day the body was established, where known." })
  validFrom!: Date | null;

  @Field(() => GraphQLDate, {
    nullable: true,
    description: "Day the body was dissolved or its mandate ended, if it has.",
  })
  validTo!: Date | null;

  @Field(() => String, { nullable: true, description: "How certain the period is, or what it stands for." })
  periodNote!: string | null;

  @Field(() => Provenance, {
    description: "Whether the body is confirmed by sources or generated from the mirror model.",
  })
  provenance!: Provenance;

  @Field(() => String, { nullable: true, description: "Remarks, e.g. on what is not confirmed." })
  note!: string | null;

  @Field(() => [String], { description: "Public sources the record is based on." })
  sources!: string[];

  @Field(() => [OtherName], {
    description: `Former names (renamings, with the last day of use) and variant spellings, ${NAME_ORDER}.`,
  })
  otherNames!: OtherName[];

  @Field(() => [FormerName], {
    description: "Names used before a renaming, oldest first, each with the period it was used where known.",
  })
  formerNames!: FormerName[];

  @Field(() => [GroupPhase], {
    description:
      "Phases the body has gone through while it existed, e.g. an interim period, oldest first; they do not end it.",
  })
  phases!: GroupPhase[];

  parentId!: string | null;
  programAreaId!: string | null;
  healthcareRegionId!: string | null;
  countyCode!: string | null;
}

@ObjectType({
  implements: [Node, GovernanceGroup],
  description:
    "NPO – nationellt programområde (national program area), or the Nationellt primärvårdsråd (kind PRIMARY_CARE_COUNCIL). Identified by `slug`.",
})
export class NationalProgramArea extends GovernanceGroup {}

@ObjectType({
  implements: [Node, GovernanceGroup],
  description:
    "NSG – nationell samverkansgrupp (national collaboration group): leads the regions' common work across fields.",
})
export class NationalCollaborationGroup extends GovernanceGroup {}

@ObjectType({
  implements: [Node, GovernanceGroup],
  description: "RPO – sjukvårdsregionalt programområde: mirrors one NPO in one healthcare region.",
})
export class RegionalProgramArea extends GovernanceGroup {}

@ObjectType({
  implements: [Node, GovernanceGroup],
  description:
    "LPO – lokalt programområde: mirrors one or more NPOs in one region; steering group for the region's LAGs.",
})
export class LocalProgramArea extends GovernanceGroup {}

@ObjectType({
  implements: [Node, GovernanceGroup],
  description:
    "A working group: NAG (nationell arbetsgrupp), RAG (regional arbetsgrupp) or LAG (lokal arbetsgrupp), appointed by the body in `parent`.",
})
export class WorkingGroup extends GovernanceGroup {}

@ObjectType({
  implements: [Node, GovernanceGroup],
  description:
    "Any other body: steering group (SKS), beredningsgrupp, ordförandeforum, councils, partnerships and regional collaboration structures.",
})
export class GovernanceBody extends GovernanceGroup {}

registerEnumType(ParticipationRole, {
  name: "ParticipationRole",
  description: "How an organisation takes part in a body.",
  valuesConfig: {
    MEMBER: { description: "A member organisation, e.g. an agency of Rådet för styrning med kunskap." },
    PARTICIPANT: { description: "Takes part without membership, e.g. a municipality in a joint LPO." },
  },
});

@ObjectType({
  description:
    "An organisation taking part in a body as such (not through a person): the agencies of Rådet för styrning med kunskap, the parties of a knowledge council, the municipalities of a joint LPO.",
})
export class GroupParticipant {
  @Field(() => ParticipationRole, { description: "Member or participant." })
  role!: ParticipationRole;

  @Field(() => Int, { nullable: true, description: "Seats it holds, where the sources say." })
  seats!: number | null;

  @Field(() => GraphQLDate, { nullable: true, description: "First day, where known." })
  validFrom!: Date | null;

  @Field(() => GraphQLDate, { nullable: true, description: "Last day, if it has ended." })
  validTo!: Date | null;

  @Field(() => Provenance, { description: "Whether sources confirm it." })
  provenance!: Provenance;

  @Field(() => String, { nullable: true, description: "Remarks." })
  note!: string | null;

  organisationId!: string;
}

@ObjectType({
  description:
    "Värdskap: an organisation hosting a body (a healthcare region or SKR), active or dormant, for a period.",
})
export class Hosting {
  @Field(() => HostingKind, { description: "Active or dormant (vilande) värdskap." })
  kind!: HostingKind;

  @Field(() => GraphQLDate, { nullable: true, description: "First day, where known." })
  validFrom!: Date | null;

  @Field(() => GraphQLDate, { nullable: true, description: "Last day, if it has ended." })
  validTo!: Date | null;

  @Field(() => String, { nullable: true, description: "What the sources say about it." })
  note!: string | null;

  @Field(() => Provenance, { description: "Whether the sources confirm it, in full or in part." })
  provenance!: Provenance;

  @Field(() => [String], { description: "Public sources of the värdskap." })
  sources!: string[];

  organisationId!: string;
}

@ObjectType({
  description:
    "An expected count from official sources compared with what is recorded, flagging gaps such as the unresolved 26th NPO.",
})
export class StructureCount {
  @Field(() => GroupKind, { description: "The kind of body counted." })
  kind!: GroupKind;

  @Field(() => Int, { description: "How many official sources say there are, as of `asOf`." })
  expected!: number;

  @Field(() => GraphQLDate, {
    description:
      "The day of the sources' latest reading on or before the day asked about (the first of the month where only the month is known).",
  })
  asOf!: Date;

  @Field(() => Int, { description: "How many are recorded here and in force on the day asked about." })
  recorded!: number;

  @Field(() => Int, { description: "expected − recorded; above zero means bodies are missing from the data." })
  missing!: number;

  @Field(() => String, { nullable: true, description: "What is known about the difference." })
  note!: string | null;

  @Field(() => [String], { description: "Sources of the expected count." })
  sources!: string[];
}

const TYPE_NAME_OF_KIND: Record<GroupKind, string> = {
  NPO: "NationalProgramArea",
  PRIMARY_CARE_COUNCIL: "NationalProgramArea",
  NSG: "NationalCollaborationGroup",
  RPO: "RegionalProgramArea",
  LPO: "LocalProgramArea",
  NAG: "WorkingGroup",
  RAG: "WorkingGroup",
  LAG: "WorkingGroup",
  STEERING_GROUP: "GovernanceBody",
  PREPARATORY_GROUP: "GovernanceBody",
  CHAIRS_FORUM: "GovernanceBody",
  SUPPORT_FUNCTION: "GovernanceBody",
  PARTNERSHIP: "GovernanceBody",
  STATE_COUNCIL: "GovernanceBody",
  ADVISORY_GROUP: "GovernanceBody",
  KNOWLEDGE_COUNCIL: "GovernanceBody",
  COLLABORATION_STRUCTURE: "GovernanceBody",
};

export function typeNameOfKind(kind: GroupKind): string {
  return TYPE_NAME_OF_KIND[kind];
}

@ObjectType({ description: "A page of governance groups." })
export class GovernanceGroupConnection extends Connection(GovernanceGroup, "GovernanceGroup") {}

const CLASS_OF_TYPE_NAME: Record<string, typeof GovernanceGroup> = {
  NationalProgramArea,
  NationalCollaborationGroup,
  RegionalProgramArea,
  LocalProgramArea,
  WorkingGroup,
  GovernanceBody,
};

/** The prototype of the object type a group of this kind is shown as (a kind the row decoder then checks). */
export function groupPrototypeOf(kind: unknown): object {
  return (CLASS_OF_TYPE_NAME[TYPE_NAME_OF_KIND[kind as GroupKind]] ?? GovernanceBody).prototype;
}
