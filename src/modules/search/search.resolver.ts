import { Length } from "class-validator";
import { OptionalEnumList } from "../../graphql/validation";
import {
  Args,
  ArgsType,
  createUnionType,
  Ctx,
  Field,
  ObjectType,
  Query,
  registerEnumType,
  Resolver,
  type ClassType,
} from "type-graphql";
import type { Context } from "../../graphql/context";
import type { ResolverClass, SearchSource } from "../../graphql/module";
import { typed, type Typed } from "../../graphql/node";
import { Connection, ForwardPageArgs, toConnection, type ConnectionOf } from "../../graphql/pagination";
import { SearchService, type SearchHit } from "./search.service";

/**
 * The `search` query over the given sources: its `SearchKind` enum has a value per source and its
 * `SearchResult` union the sources' types. Built once per process (the types are registered by name).
 */
export function createSearchResolver(sources: readonly SearchSource[]): ResolverClass {
  const SearchKind: Record<string, string> = Object.fromEntries(sources.map((source) => [source.kind, source.kind]));
  registerEnumType(SearchKind, {
    name: "SearchKind",
    description: "What to search.",
    valuesConfig: Object.fromEntries(sources.map((source) => [source.kind, { description: source.description }])),
  });

  const SearchResult = createUnionType({
    name: "SearchResult",
    description: "Something a search found: a governance body, an organisation or a person.",
    types: () => sources.flatMap((source) => source.types()) as unknown as readonly [ClassType],
    resolveType: (value) => (value as { __typename?: string }).__typename,
  });

  @ObjectType({ description: "A page of search results, best match first." })
  class SearchResultConnection extends Connection(
    SearchResult as unknown as abstract new () => object,
    "SearchResult",
  ) {}

  @ArgsType()
  class SearchArgs extends ForwardPageArgs {
    @Field({
      description:
        'Words to look for, 2 to 100 characters. Case and accents do not matter: "psyk" finds Psykisk hälsa, "halsa" finds hälsa. Several words find names containing every word, in any order ("västernorrland psyk" finds LPO Psykisk hälsa – Region Västernorrland), ranked before names matching only some.',
    })
    @Length(2, 100, { message: "query must be 2 to 100 characters" })
    query!: string;

    @Field(() => [SearchKind], { nullable: true, description: "Only these kinds of result; all when omitted." })
    @OptionalEnumList()
    kinds?: string[] | null;
  }

  /** A hit as the object it stands for, through the search source of its kind; null when it is gone. */
  async function hydrate({ loaders, registry }: Context, hit: SearchHit): Promise<Typed<object> | null> {
    const source = registry.searchSources.get(hit.kind);
    if (!source) throw new Error(`No module is a search source of kind ${hit.kind}`);
    const found = await source.hydrate(loaders, hit.id);
    return found && typed(found.typeName, found.row);
  }

  @Resolver()
  class SearchResolver {
    @Query(() => SearchResultConnection, {
      description:
        "Search groups, organisations and people by name, ranked: for several words, names containing every word (in any order) first; then whole-name and prefix matches, words, substrings and near spellings.",
    })
    async search(
      @Args() { query, kinds, first, after }: SearchArgs,
      @Ctx() context: Context,
    ): Promise<ConnectionOf<object>> {
      const page = await new SearchService(context.prisma, sources).search(
        query.trim(),
        kinds ?? [],
        first ?? 50,
        after,
      );
      const nodes = await Promise.all(page.nodes.map((hit) => hydrate(context, hit)));
      const cursors = new Map(nodes.map((node, index) => [node, page.cursorOf(page.nodes[index]!)]));
      const found = nodes.filter((node): node is Typed<object> => node !== null);
      return toConnection({ ...page, nodes: found, cursorOf: (node) => cursors.get(node)! });
    }
  }
  return SearchResolver;
}
