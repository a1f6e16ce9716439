import { ArrayMaxSize } from "class-validator";
import { Bounded, Id, MAX_ID_LENGTH } from "../../graphql/validation";
import { Args, ArgsType, Ctx, Field, ID, Query, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context";
import { ErrorCode, GraphQLErrorWithCode, BadUserInputError } from "../../graphql/errors";
import { fromGlobalId } from "../../graphql/global-id";
import { Node, typed } from "../../graphql/node";
import { MAX_PAGE_SIZE } from "../../graphql/pagination";

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

/** The object a global ID stands for; null when it names nothing (any more). */
async function fetchNode({ loaders, registry }: Context, globalId: string, argument: string): Promise<object | null> {
  const decoded = fromGlobalId(globalId);
  const nodeType = decoded && registry.nodeTypes.get(decoded.typeName);
  if (!decoded || !nodeType) throw new BadUserInputError(`\`${argument}\` is not a global ID of this API`, argument);
  const row = await nodeType.fetch(loaders, decoded.id);
  return row && typed(decoded.typeName, row);
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: "Any object by its global ID; null when nothing has that ID." })
  node(@Args() { id }: NodeArgs, @Ctx() context: Context): Promise<object | null> {
    return fetchNode(context, id, "id");
  }

  @Query(() => [Node], {
    nullable: "items",
    description:
      "Objects by global ID, in the order asked for, in one round trip. An ID that names nothing gives null with a NOT_FOUND error for that item; a malformed one gives BAD_USER_INPUT.",
  })
  nodes(@Args() { ids }: NodesArgs, @Ctx() context: Context): Promise<object | null>[] {
    return ids.map(async (id, index) => {
      const node = await fetchNode(context, id, `ids[${index}]`);
      if (!node)
        throw new GraphQLErrorWithCode(`Nothing has the ID ${JSON.stringify(id)}`, ErrorCode.NOT_FOUND, {
          argument: `ids[${index}]`,
        });
      return node;
    });
  }
}
