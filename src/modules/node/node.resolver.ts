import { ArrayMaxSize } from "class-validator";
import { Bounded, Id, MAX_ID_LENGTH } from "../../graphql/validation";
import { Args, ArgsType, Ctx, Field, ID, Query, Resolver } from "type-graphql";
import type { Context, Loaders } from "../../graphql/context";
import { ErrorCode, GraphQLErrorWithCode, BadUserInputError } from "../../graphql/errors";
import { fromGlobalId, GROUP_TYPE_NAMES } from "../../graphql/global-id";
import { Node, typed } from "../../graphql/node";
import { MAX_PAGE_SIZE } from "../../graphql/pagination";
import { typeNameOfKind } from "../governance/governance.types";

@ArgsType()
class NodeArgs {
  @Field(() => ID, { description: "A global ID from any object's `id` field." })
  @Id()
  id!: string;
}

@ArgsType()
class NodesArgs {
  @Field(() => [ID], { description: `Global IDs from objects' \`id\` fields, at most ${MAX_PAGE_SIZE}.` })
  @ArrayMaxSize(MAX_PAGE_SIZE)
  @Bounded(MAX_ID_LENGTH, { each: true })
  ids!: string[];
}

type Fetch = (loaders: Loaders, id: string) => Promise<object | null>;

const GROUP_TYPES = GROUP_TYPE_NAMES;

/** How each type is fetched by database id. A group's global ID must name the type its kind maps to. */
const FETCHERS = new Map<string, Fetch>([
  ["HealthcareRegion", (loaders, id) => loaders.healthcareRegionById.load(id)],
  ["Region", (loaders, id) => loaders.regionById.load(id)],
  ["Municipality", (loaders, id) => loaders.municipalityById.load(id)],
  ["Organisation", (loaders, id) => loaders.organisationById.load(id)],
  ["Person", (loaders, id) => loaders.personById.load(id)],
  ["Membership", (loaders, id) => loaders.membershipById.load(id)],
  ...GROUP_TYPES.map((typeName): [string, Fetch] => [
    typeName,
    async (loaders, id) => {
      const group = await loaders.groupById.load(id);
      return group && typeNameOfKind(group.kind) === typeName ? group : null;
    },
  ]),
]);

/** The object a global ID stands for; null when it names nothing (any more). */
async function fetchNode(loaders: Loaders, globalId: string, argument: string): Promise<object | null> {
  const decoded = fromGlobalId(globalId);
  const fetch = decoded && FETCHERS.get(decoded.typeName);
  if (!decoded || !fetch) throw new BadUserInputError(`\`${argument}\` is not a global ID of this API`, argument);
  const row = await fetch(loaders, decoded.id);
  return row && typed(decoded.typeName, row);
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: "Any object by its global ID; null when nothing has that ID." })
  node(@Args() { id }: NodeArgs, @Ctx() { loaders }: Context): Promise<object | null> {
    return fetchNode(loaders, id, "id");
  }

  @Query(() => [Node], {
    nullable: "items",
    description: "Objects by global ID, in the order asked for, in one round trip. An ID that names nothing gives null with a NOT_FOUND error for that item; a malformed one gives BAD_USER_INPUT.",
  })
  nodes(@Args() { ids }: NodesArgs, @Ctx() { loaders }: Context): Promise<object | null>[] {
    return ids.map(async (id, index) => {
      const node = await fetchNode(loaders, id, `ids[${index}]`);
      if (!node) throw new GraphQLErrorWithCode(`Nothing has the ID ${JSON.stringify(id)}`, ErrorCode.NOT_FOUND, { argument: `ids[${index}]` });
      return node;
    });
  }
}
