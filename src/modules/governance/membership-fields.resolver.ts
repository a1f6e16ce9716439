import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { GroupRow } from "./governance.loaders";
import type { Context } from "../../graphql/context";
import { Membership, type MembershipRow } from "../people";
import { GovernanceGroup } from "./governance.types";

// A membership's group lives here, so that people know nothing of governance.

@Resolver(() => Membership)
export class MembershipGroupResolver {
  @FieldResolver(() => GovernanceGroup, { description: "The group." })
  async group(@Root() membership: MembershipRow, @Ctx() { loaders }: Context): Promise<GroupRow> {
    return required(await loaders.groupById.load(membership.groupId));
  }
}

/** A row a foreign key guarantees. */
function required<Row>(row: Row | null): Row {
  if (!row) throw new Error("Referenced row is missing");
  return row;
}
