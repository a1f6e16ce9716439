import { Args, Ctx, FieldResolver, ID, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context";
import { toGlobalId } from "../../graphql/global-id";
import { paginate, toConnection } from "../../graphql/pagination";
import { dayOf, today } from "../../graphql/period";
import { isInForce } from "../../db/period";
import { authorizeContact, authorizeIdentifiers } from "../../access/authorize";
import { Organisation, type OrganisationRow } from "../organisations";
import { MembersArgs } from "./people.args";
import { withRole, type MembershipRow, type MembershipWithPerson, type PersonRow } from "./people.loaders";
import { personMembershipOrder } from "./people.order";
import { Membership, MembershipConnection, Person } from "./people.types";

/** A source-system identifier's description, with who may read it. */
function identifierDescription(what: string): string {
  return `${what} Null, with a FORBIDDEN (or, without a key, UNAUTHENTICATED) error, unless the API key has the scope \`read:identifiers\` (keys with a write scope or admin have it too).`;
}

@Resolver(() => Person)
export class PersonResolver {
  @FieldResolver(() => ID)
  id(@Root() person: PersonRow): string {
    return toGlobalId("Person", person.id);
  }

  @FieldResolver(() => String, { description: 'Given and family name, e.g. "Åsa Öberg".' })
  name(@Root() person: PersonRow): string {
    return `${person.givenName} ${person.familyName}`;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "E-mail address. Personal data: null, with a FORBIDDEN (or, without a key, UNAUTHENTICATED) error, unless the API key has the scope `read:contact`.",
  })
  async email(@Root() person: PersonRow, @Ctx() { caller, loaders }: Context): Promise<string | null> {
    authorizeContact(caller);
    return (await loaders.contactByPersonId.load(person.id))?.email ?? null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "Telephone number. Personal data: needs the scope `read:contact`, as `email`.",
  })
  async phone(@Root() person: PersonRow, @Ctx() { caller, loaders }: Context): Promise<string | null> {
    authorizeContact(caller);
    return (await loaders.contactByPersonId.load(person.id))?.phone ?? null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: identifierDescription("The system the person was synced from, with `externalId`."),
  })
  sourceSystem(@Root() person: PersonRow, @Ctx() { caller }: Context): string | null {
    authorizeIdentifiers(caller);
    return person.sourceSystem;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: identifierDescription("The person's id in `sourceSystem`, e.g. an HR system's employee number."),
  })
  externalId(@Root() person: PersonRow, @Ctx() { caller }: Context): string | null {
    authorizeIdentifiers(caller);
    return person.externalId;
  }

  @FieldResolver(() => MembershipConnection, {
    description: "The person's memberships in force on `activeOn` (default today), most recent first.",
  })
  async memberships(
    @Root() person: PersonRow,
    @Args() args: MembersArgs,
    @Ctx() { loaders }: Context,
  ): Promise<MembershipConnection> {
    const memberships = withRole(
      await loaders.membershipsByPersonId({ day: dayOf(args.activeOn) }).load(person.id),
      args.role,
    );
    return toConnection(paginate(memberships, args, "person-memberships", personMembershipOrder));
  }
}

@Resolver(() => Membership)
export class MembershipResolver {
  @FieldResolver(() => ID)
  id(@Root() membership: MembershipRow): string {
    return toGlobalId("Membership", membership.id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: identifierDescription("The system the membership was synced from, with `externalId`."),
  })
  sourceSystem(@Root() membership: MembershipRow, @Ctx() { caller }: Context): string | null {
    authorizeIdentifiers(caller);
    return membership.sourceSystem;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: identifierDescription("The membership's id in `sourceSystem`."),
  })
  externalId(@Root() membership: MembershipRow, @Ctx() { caller }: Context): string | null {
    authorizeIdentifiers(caller);
    return membership.externalId;
  }

  @FieldResolver(() => Person, { description: "Who holds the seat." })
  person(
    @Root() membership: MembershipRow | MembershipWithPerson,
    @Ctx() { loaders }: Context,
  ): PersonRow | Promise<PersonRow> {
    // Memberships listed for a group or a person come with their person: answered without a promise.
    if ("person" in membership) return membership.person;
    return loaders.personById.load(membership.personId).then(required);
  }

  @FieldResolver(() => Organisation, {
    nullable: true,
    description:
      "The organisation the person represents: a healthcare region, region, municipality, agency or patient organisation.",
  })
  representing(@Root() membership: MembershipRow, @Ctx() { loaders }: Context): Promise<OrganisationRow | null> | null {
    return membership.representingOrganisationId
      ? loaders.organisationById.load(membership.representingOrganisationId)
      : null;
  }

  @FieldResolver(() => Boolean, { description: "True when the membership is in force today." })
  activeToday(@Root() membership: MembershipRow): boolean {
    return isInForce(membership, today());
  }
}

/** A row a foreign key guarantees. */
function required<Row>(row: Row | null): Row {
  if (!row) throw new Error("Referenced row is missing");
  return row;
}
