import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLDate } from "../../graphql/scalars";
import { MembershipRole } from "../../generated/prisma/enums";
import { Node } from "../../graphql/node";
import { Connection } from "../../graphql/pagination";

registerEnumType(MembershipRole, {
  name: "MembershipRole",
  description: "The role a person has in a group.",
  valuesConfig: {
    CHAIR: { description: "Ordförande (chair). A group has one chair at a time." },
    VICE_CHAIR: { description: "Vice ordförande (vice chair)." },
    MEMBER: { description: "Ledamot (member)." },
    DEPUTY_MEMBER: { description: "Ersättare (deputy member)." },
    CO_OPTED: { description: "Adjungerad (co-opted member, without a vote)." },
    PROCESS_LEADER: { description: "Processledare (process leader)." },
    SECRETARY: { description: "Sekreterare (secretary)." },
    COORDINATOR: { description: "Samordnare (coordinator)." },
    ADJUNCT: { description: "Sakkunnig (adjunct expert)." },
    PATIENT_REPRESENTATIVE: {
      description:
        "Patientföreträdare (patient or relatives' representative); when representing an organisation, it is a patient organisation (patient- och anhörigförening).",
    },
  },
});

@ObjectType({
  implements: Node,
  description:
    "A person who sits in governance groups. Names, title and HSA-id are public, as in the national directory; the contact fields `email` and `phone` are personal data, readable only with the scope `read:contact`, and the source-system identifiers `sourceSystem` and `externalId` need `read:identifiers`.",
})
export class Person {
  @Field(() => ID, { description: "Opaque global ID." })
  id!: string;

  @Field({ description: "Given name (förnamn)." })
  givenName!: string;

  @Field({ description: "Family name (efternamn)." })
  familyName!: string;

  @Field(() => String, { nullable: true, description: 'Professional title, e.g. "överläkare".' })
  title!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'HSA-id: the person\'s identifier in the Swedish health-care directory (HSA), e.g. "SE2321000131-P000000000001".',
  })
  hsaId!: string | null;

  @Field(() => Int, {
    description: "Version of the record, raised by every change; pass it as `expectedVersion` when you update.",
  })
  version!: number;
}

@ObjectType({
  implements: Node,
  description:
    "A person's seat in a group: a role, the organisation represented and a period. Ended memberships are kept.",
})
export class Membership {
  @Field(() => ID, { description: "Opaque global ID." })
  id!: string;

  @Field(() => MembershipRole, { description: "The role in the group." })
  role!: MembershipRole;

  @Field(() => GraphQLDate, { description: "First day of the membership." })
  validFrom!: Date;

  @Field(() => GraphQLDate, { nullable: true, description: "Last day of the membership; null while it runs." })
  validTo!: Date | null;

  @Field(() => Int, {
    description: "Version of the record, raised by every change; pass it as `expectedVersion` when you update.",
  })
  version!: number;

  personId!: string;
  groupId!: string;
  representingOrganisationId!: string | null;
}

@ObjectType({ description: "A page of memberships." })
export class MembershipConnection extends Connection(Membership, "Membership") {}
