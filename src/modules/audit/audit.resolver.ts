import { Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { AuditEntity, AuditEvent as AuditEventRow } from "../../generated/prisma/client";
import type { Context } from "../../graphql/context";
import type { AuditEntityView, ModuleRegistry } from "../../graphql/module";
import { toGlobalId } from "../../graphql/global-id";
import { Node, typed } from "../../graphql/node";
import { toConnection, type ConnectionOf } from "../../graphql/pagination";
import { authorizeAdmin } from "../../access/authorize";
import {
  AuditEvent,
  AuditEventConnection,
  AuditEventsArgs,
  Change,
  ChangeFeed,
  ChangesArgs,
  FieldChange,
} from "./audit.types";
import { AuditService } from "./audit.service";

@Resolver(() => AuditEvent)
export class AuditEventResolver {
  @Query(() => AuditEventConnection, {
    description:
      "The audit trail, oldest first: every change with who made it, when, and the fields before and after. Needs the admin scope.",
  })
  async auditEvents(
    @Args() args: AuditEventsArgs,
    @Ctx() { prisma, caller, registry }: Context,
  ): Promise<ConnectionOf<AuditEventRow>> {
    authorizeAdmin(caller, "the audit trail");
    return toConnection(await new AuditService(prisma, registry.auditedTypeNames).auditEvents(args));
  }

  @FieldResolver(() => String)
  sequence(@Root() event: AuditEventRow): string {
    return event.id.toString();
  }

  @FieldResolver(() => ID, {
    nullable: true,
    description: "Global ID of the record changed; null if it is not readable any more.",
  })
  entityId(@Root() event: AuditEventRow, @Ctx() context: Context): Promise<string | null> {
    return globalIdOf(context, event.entity, event.entityId);
  }

  @FieldResolver(() => [FieldChange])
  changes(@Root() event: AuditEventRow): FieldChange[] {
    const changes = event.changes as Record<string, [unknown, unknown]>;
    return Object.entries(changes).map(([field, [before, after]]) => ({ field, before, after }));
  }
}

@Resolver(() => Change)
export class ChangeResolver {
  @Query(() => ChangeFeed, {
    description:
      "The change feed for downstream systems: records changed after a cursor, in commit order, ended memberships and dissolved groups included. Poll with the returned `cursor` as `since`; a change is never skipped or repeated.",
  })
  async changes(
    @Args() args: ChangesArgs,
    @Ctx() { prisma }: Context,
  ): Promise<{ changes: AuditEventRow[]; cursor: string; hasMore: boolean }> {
    const { rows, cursor, hasMore } = await new AuditService(prisma).changes(args);
    return { changes: rows, cursor, hasMore };
  }

  @FieldResolver(() => String)
  sequence(@Root() event: AuditEventRow): string {
    return event.id.toString();
  }

  // The change's own id, so that clients which normalise objects by id (Relay, Apollo Client)
  // keep every change instead of merging all changes of one record into one object.
  @FieldResolver(() => ID, {
    description:
      "Opaque ID of this change, different for every change (two changes of one record have different ids). The changed record's ID is `recordId`.",
  })
  id(@Root() event: AuditEventRow): string {
    return toGlobalId("Change", event.id.toString());
  }

  @FieldResolver(() => ID, {
    nullable: true,
    description:
      "Global ID of the record that changed, as its `id` (and `node(id:)`) has it; null if it is not readable any more.",
  })
  recordId(@Root() event: AuditEventRow, @Ctx() context: Context): Promise<string | null> {
    return globalIdOf(context, event.entity, event.entityId);
  }

  @FieldResolver(() => Node, { nullable: true, description: "The record as it is now." })
  async node(@Root() event: AuditEventRow, @Ctx() context: Context): Promise<object | null> {
    const row = await rowOf(context, event.entity, event.entityId);
    return row && typed(row.typeName, row.row);
  }
}

/** How the registry shows an entity; an entity no module maps is an error, never shown as something else. */
function viewOf(registry: ModuleRegistry, entity: AuditEntity): AuditEntityView {
  const view = registry.auditEntities.get(entity);
  if (!view) throw new Error(`No module maps the audit entity ${entity}`);
  return view;
}

async function rowOf(
  { loaders, registry }: Context,
  entity: AuditEntity,
  id: string,
): Promise<{ typeName: string; row: object } | null> {
  return viewOf(registry, entity).fetch(loaders, id);
}

/** A record's global ID; read only when its entity can be shown as more than one type. */
async function globalIdOf(context: Context, entity: AuditEntity, id: string): Promise<string | null> {
  const { typeNames } = viewOf(context.registry, entity);
  if (typeNames.length === 1) return toGlobalId(typeNames[0], id);
  const found = await rowOf(context, entity, id);
  return found && toGlobalId(found.typeName, id);
}
