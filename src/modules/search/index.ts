import { SearchResolver } from "./search.resolver";

export const SearchResolvers = [SearchResolver] as const;
