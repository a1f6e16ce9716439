import { Args, Ctx, Mutation, Resolver } from "type-graphql";
import type { Membership as MembershipRow, Person as PersonRow } from "../../generated/prisma/client";
import type { Context } from "../../graphql/context";
import { InputArgs } from "../../graphql/validation";
import {
  CreateMembershipInput,
  CreatePersonInput,
  EndMembershipInput,
  UpdateMembershipInput,
  UpdatePersonInput,
} from "./people.inputs";
import { Membership, Person } from "./people.types";
import { PeopleWriteService } from "./people.write";

const CreatePersonArgs = InputArgs(CreatePersonInput);
const UpdatePersonArgs = InputArgs(UpdatePersonInput);
const CreateMembershipArgs = InputArgs(CreateMembershipInput);
const UpdateMembershipArgs = InputArgs(UpdateMembershipInput);
const EndMembershipArgs = InputArgs(EndMembershipInput);

@Resolver()
export class PeopleMutations {
  @Mutation(() => Person, {
    description:
      "Records a person. CONFLICT when the HSA-id or the (sourceSystem, externalId) pair is taken, naming the person who has it. A `write:region:<länskod>` key may give names, title and contact fields only: an HSA-id or a source-system key needs `write` (a region's people get them through `syncMemberships` or `updatePerson`).",
  })
  createPerson(
    @Args(() => CreatePersonArgs) { input }: { input: CreatePersonInput },
    @Ctx() context: Context,
  ): Promise<PersonRow> {
    return new PeopleWriteService(context.prisma).createPerson(context, input);
  }

  @Mutation(() => Person, {
    description:
      "Changes a person's name, title, HSA-id or contact fields. A `write:region:<länskod>` key may change only that region's people: those with at least one membership, every one of them (past or present) in a group the region owns. Anyone else, people in no group included, needs `write`.",
  })
  updatePerson(
    @Args(() => UpdatePersonArgs) { input }: { input: UpdatePersonInput },
    @Ctx() context: Context,
  ): Promise<PersonRow> {
    return new PeopleWriteService(context.prisma).updatePerson(context, input);
  }

  @Mutation(() => Membership, {
    description:
      "Seats a person in a group. The role must be used in groups of that kind, the organisation represented must belong where the group works, the period must run forwards and, in a dissolved group, end by its last day, and a group has one chair at a time: breaking a rule is BAD_USER_INPUT naming the field; an overlapping seat is CONFLICT naming it.",
  })
  createMembership(
    @Args(() => CreateMembershipArgs) { input }: { input: CreateMembershipInput },
    @Ctx() context: Context,
  ): Promise<MembershipRow> {
    return new PeopleWriteService(context.prisma).createMembership(context, input);
  }

  @Mutation(() => Membership, {
    description: "Changes a membership's role, organisation or period, under the same rules as `createMembership`.",
  })
  updateMembership(
    @Args(() => UpdateMembershipArgs) { input }: { input: UpdateMembershipInput },
    @Ctx() context: Context,
  ): Promise<MembershipRow> {
    return new PeopleWriteService(context.prisma).updateMembership(context, input);
  }

  @Mutation(() => Membership, {
    description:
      "Ends a membership on a given last day (default yesterday, or a dissolved group's last day if that is earlier). Memberships are never deleted; ended ones stay as history.",
  })
  endMembership(
    @Args(() => EndMembershipArgs) { input }: { input: EndMembershipInput },
    @Ctx() context: Context,
  ): Promise<MembershipRow> {
    return new PeopleWriteService(context.prisma).endMembership(context, input);
  }
}
