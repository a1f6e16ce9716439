import { IsOptional } from "class-validator";
import { Args, ArgsType, Ctx, Field, FieldResolver, Resolver, Root } from "type-graphql";
import type { GroupRow } from "./governance.loaders";
import { GroupLevel } from "../../generated/prisma/enums";
import type { Context } from "../../graphql/context";
import { paginate, toConnection, type ConnectionOf } from "../../graphql/pagination";
import { ActiveOnPageArgs, dayOf } from "../../graphql/period";
import { Municipality, type MunicipalityRow } from "../geography";
import { groupByLevelOrder } from "./governance.order";
import { GovernanceGroupConnection } from "./governance.types";

@ArgsType()
class MunicipalityGroupsArgs extends ActiveOnPageArgs {
  @Field(() => GroupLevel, { nullable: true, description: "Only groups on this level." })
  @IsOptional()
  level?: GroupLevel | null;
}

@Resolver(() => Municipality)
export class MunicipalityGroupsResolver {
  @FieldResolver(() => GovernanceGroupConnection, {
    description:
      "The groups the municipality sits in on `activeOn` (default today): as a participant (e.g. a joint LPO) or through a member representing it. National first, then healthcare-regional, then regional; by name.",
  })
  async groups(
    @Root() municipality: MunicipalityRow,
    @Args() args: MunicipalityGroupsArgs,
    @Ctx() { loaders }: Context,
  ): Promise<ConnectionOf<GroupRow>> {
    const groups = await loaders.groupsByMunicipalityId({ day: dayOf(args.activeOn) }).load(municipality.id);
    const onLevel = args.level ? groups.filter((group) => group.level === args.level) : groups;
    return toConnection(paginate(onLevel, args, "municipality-groups", groupByLevelOrder));
  }
}
