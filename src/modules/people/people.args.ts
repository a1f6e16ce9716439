import { IsOptional } from "class-validator";
import { GraphQLDate } from "../../graphql/scalars";
import { ArgsType, Field } from "type-graphql";
import { MembershipRole } from "../../generated/prisma/enums";
import { ACTIVE_ON_DESCRIPTION, ActiveOnPageArgs } from "../../graphql/period";

@ArgsType()
export class MembersArgs extends ActiveOnPageArgs {
  @Field(() => MembershipRole, { nullable: true, description: "Only members in this role." })
  @IsOptional()
  role?: MembershipRole | null;
}

@ArgsType()
export class ChairArgs {
  @Field(() => GraphQLDate, {
    nullable: true,
    description: 'The chair on this day, e.g. "2024-03-01". Defaults to today.',
  })
  @IsOptional()
  activeOn?: Date | null;
}

export { ACTIVE_ON_DESCRIPTION };
