import { Args, Ctx, Mutation, Resolver } from "type-graphql";
import type { Group } from "../../generated/prisma/client";
import type { Context } from "../../graphql/context";
import { InputArgs } from "../../graphql/validation";
import { GovernanceGroup } from "./governance.types";
import { CreateGroupInput, DissolveGroupInput, UpdateGroupInput } from "./group.inputs";
import { GroupWriteService } from "./group.write";

const CreateGroupArgs = InputArgs(CreateGroupInput);
const UpdateGroupArgs = InputArgs(UpdateGroupInput);
const DissolveGroupArgs = InputArgs(DissolveGroupInput);

@Resolver()
export class GroupMutations {
  @Mutation(() => GovernanceGroup, {
    description:
      "Creates a governance body. CONFLICT when the slug is taken, or when the healthcare region already has an RPO for that NPO.",
  })
  createGroup(
    @Args(() => CreateGroupArgs) { input }: { input: CreateGroupInput },
    @Ctx() context: Context,
  ): Promise<Group> {
    return new GroupWriteService(context.prisma).createGroup(context, input);
  }

  @Mutation(() => GovernanceGroup, {
    description:
      "Changes a body's name, description, notes, period start or municipal participation. A renaming keeps the old name as a former name.",
  })
  updateGroup(
    @Args(() => UpdateGroupArgs) { input }: { input: UpdateGroupInput },
    @Ctx() context: Context,
  ): Promise<Group> {
    return new GroupWriteService(context.prisma).updateGroup(context, input);
  }

  @Mutation(() => GovernanceGroup, {
    description:
      "Dissolves a body on a last day: it and its working groups end, and so do their memberships. Nothing is deleted.",
  })
  dissolveGroup(
    @Args(() => DissolveGroupArgs) { input }: { input: DissolveGroupInput },
    @Ctx() context: Context,
  ): Promise<Group> {
    return new GroupWriteService(context.prisma).dissolveGroup(context, input);
  }
}
