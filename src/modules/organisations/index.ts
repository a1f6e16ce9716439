import { OrganisationResolver } from "./organisation.resolver";

export const OrganisationResolvers = [OrganisationResolver] as const;
