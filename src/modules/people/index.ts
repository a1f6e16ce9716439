import { MembershipResolver, PersonResolver } from "./people.resolver";

export const PeopleResolvers = [PersonResolver, MembershipResolver] as const;
