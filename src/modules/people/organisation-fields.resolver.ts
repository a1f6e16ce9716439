import { Args, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context";
import { paginate, toConnection } from "../../graphql/pagination";
import { dayOf } from "../../graphql/period";
import { Organisation } from "../organisations";
import { MembersArgs } from "./people.args";
import { withRole } from "./people.loaders";
import { memberOrder } from "./people.order";
import { MembershipConnection } from "./people.types";

// An organisation's representatives live with the memberships, so that organisations know nothing of people.

@Resolver(() => Organisation)
export class OrganisationRepresentativesResolver {
  @FieldResolver(() => MembershipConnection, {
    description:
      "Memberships in which someone represents this organisation, in force on `activeOn` (default today); by role and name.",
  })
  async representatives(
    @Root() organisation: Organisation,
    @Args() args: MembersArgs,
    @Ctx() { loaders }: Context,
  ): Promise<MembershipConnection> {
    const memberships = withRole(
      await loaders.membershipsByRepresentingOrganisationId({ day: dayOf(args.activeOn) }).load(organisation.id),
      args.role,
    );
    return toConnection(paginate(memberships, args, "representatives", memberOrder));
  }
}
