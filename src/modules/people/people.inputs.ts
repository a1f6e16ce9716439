import { IsOptional } from "class-validator";
import { Field, ID, InputType, Int } from "type-graphql";
import { MembershipRole } from "../../generated/prisma/enums";
import { GraphQLDate } from "../../graphql/scalars";
import {
  Id,
  OptionalEmail,
  OptionalHsaId,
  OptionalId,
  OptionalPhone,
  OptionalText,
  OptionalVersion,
  Text,
} from "../../graphql/validation";

const EXPECTED_VERSION =
  "The version you last read; the change is refused with CONFLICT if the record has moved on since. Omit to overwrite.";

@InputType({ description: "A new person." })
export class CreatePersonInput {
  @Field({ description: "Given name (förnamn)." })
  @Text(100)
  givenName!: string;

  @Field({ description: "Family name (efternamn)." })
  @Text(100)
  familyName!: string;

  @Field(() => String, { nullable: true, description: "Professional title." })
  @OptionalText(200)
  title?: string | null;

  @Field(() => String, { nullable: true, description: "HSA-id, unique." })
  @OptionalHsaId()
  hsaId?: string | null;

  @Field(() => String, { nullable: true, description: "The system the person comes from; give it with `externalId`." })
  @OptionalText(100)
  sourceSystem?: string | null;

  @Field(() => String, { nullable: true, description: "The person's id in `sourceSystem`; unique within it." })
  @OptionalText(200)
  externalId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "E-mail address (personal data, shown only to keys with `read:contact`).",
  })
  @OptionalEmail()
  email?: string | null;

  @Field(() => String, { nullable: true, description: "Telephone number (personal data, as `email`)." })
  @OptionalPhone()
  phone?: string | null;
}

@InputType({ description: "Changes to a person. Omitted fields stay as they are; null clears an optional field." })
export class UpdatePersonInput {
  @Field(() => ID, { description: "The person's global ID." })
  @Id()
  id!: string;

  @Field(() => Int, { nullable: true, description: EXPECTED_VERSION })
  @OptionalVersion()
  expectedVersion?: number | null;

  @Field(() => String, { description: "A new given name.", nullable: true })
  @OptionalText(100)
  givenName?: string;

  @Field(() => String, { description: "A new family name.", nullable: true })
  @OptionalText(100)
  familyName?: string;

  @Field(() => String, { description: "Professional title; null clears it.", nullable: true })
  @OptionalText(200)
  title?: string | null;

  @Field(() => String, { description: "HSA-id; null clears it.", nullable: true })
  @OptionalHsaId()
  hsaId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "E-mail address (personal data, shown only to keys with `read:contact`).",
  })
  @OptionalEmail()
  email?: string | null;

  @Field(() => String, { nullable: true, description: "Telephone number (personal data, as `email`)." })
  @OptionalPhone()
  phone?: string | null;
}

@InputType({ description: "A new membership: a person's seat in a group." })
export class CreateMembershipInput {
  @Field(() => ID, { description: "The person's global ID." })
  @Id()
  person!: string;

  @Field(() => ID, { description: "The group's global ID." })
  @Id()
  group!: string;

  @Field(() => MembershipRole, { description: "The role; it must be one used in groups of this kind." })
  role!: MembershipRole;

  @Field(() => ID, {
    nullable: true,
    description:
      "The global ID of the organisation represented; it must belong where the group works (see `representing` on Membership).",
  })
  @OptionalId()
  representing?: string | null;

  @Field(() => GraphQLDate, { description: "First day." })
  validFrom!: Date;

  @Field(() => GraphQLDate, { nullable: true, description: "Last day; null while it runs." })
  @IsOptional()
  validTo?: Date | null;

  @Field(() => String, {
    nullable: true,
    description: "The system the membership comes from; give it with `externalId`.",
  })
  @OptionalText(100)
  sourceSystem?: string | null;

  @Field(() => String, { nullable: true, description: "The membership's id in `sourceSystem`; unique within it." })
  @OptionalText(200)
  externalId?: string | null;
}

@InputType({ description: "Changes to a membership. Omitted fields stay as they are." })
export class UpdateMembershipInput {
  @Field(() => ID, { description: "The membership's global ID." })
  @Id()
  id!: string;

  @Field(() => Int, { nullable: true, description: EXPECTED_VERSION })
  @OptionalVersion()
  expectedVersion?: number | null;

  @Field(() => MembershipRole, {
    description: "A new role; it must be one used in groups of that kind.",
    nullable: true,
  })
  @IsOptional()
  role?: MembershipRole;

  @Field(() => ID, { nullable: true, description: "The organisation represented; null for none." })
  @OptionalId()
  representing?: string | null;

  @Field(() => GraphQLDate, { description: "A new first day.", nullable: true })
  @IsOptional()
  validFrom?: Date;

  @Field(() => GraphQLDate, { nullable: true, description: "Last day; null makes the membership open-ended." })
  @IsOptional()
  validTo?: Date | null;
}

@InputType({ description: "Ends a membership. It is kept, with its last day, as history." })
export class EndMembershipInput {
  @Field(() => ID, { description: "The membership's global ID." })
  @Id()
  id!: string;

  @Field(() => Int, { nullable: true, description: EXPECTED_VERSION })
  @OptionalVersion()
  expectedVersion?: number | null;

  @Field(() => GraphQLDate, {
    nullable: true,
    description:
      "Last day of the membership; defaults to yesterday, so it is no longer in force today, or to the group's last day when the group was dissolved before that. It must not be after a dissolved group's last day.",
  })
  @IsOptional()
  validTo?: Date | null;
}
