import { OrganisationMutations } from "./organisation.mutations";
import { OrganisationResolver } from "./organisation.resolver";

export const OrganisationResolvers = [OrganisationResolver, OrganisationMutations] as const;
