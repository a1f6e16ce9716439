import { Field, ID, InterfaceType } from "type-graphql";

/** A row tagged with the GraphQL type it is returned as, where the field's type is abstract. */
export type Typed<Row> = Row & { __typename: string };

export function typed<Row extends object>(typeName: string, row: Row): Typed<Row> {
  return { ...row, __typename: typeName };
}

@InterfaceType({
  description:
    "An object with an opaque global ID (the Relay Node interface). Fetch any of them again with `node(id:)` or `nodes(ids:)`.",
  resolveType: (value: { __typename?: string }) => value.__typename,
})
export abstract class Node {
  @Field(() => ID, { description: "Opaque global ID, stable for the life of the record." })
  id!: string;
}
