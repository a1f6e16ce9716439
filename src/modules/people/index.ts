import { MembershipResolver, PersonResolver } from "./people.resolver";
import { PeopleMutations } from "./people.mutations";

export const PeopleResolvers = [PersonResolver, MembershipResolver, PeopleMutations] as const;
