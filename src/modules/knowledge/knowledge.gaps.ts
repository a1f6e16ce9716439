import { IsInt, IsOptional, Max, Min } from "class-validator";
import {
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  Int,
  ObjectType,
  Query,
  registerEnumType,
  Resolver,
  Root,
} from "type-graphql";
import type { Database } from "../../db/prisma";
import { nullable, oneOf, queryRows, row, text } from "../../db/sql";
import { Prisma } from "../../generated/prisma/client";
import type { Context } from "../../graphql/context";
import { Connection, paginate, PageArgs, toConnection, type ConnectionOf } from "../../graphql/pagination";
import { isoDay, today } from "../../graphql/period";
import { GraphQLDate } from "../../graphql/scalars";
import { OptionalCountyCode, OptionalEnumList } from "../../graphql/validation";
import { Region, type RegionRow } from "../geography";
import { GovernanceGroup, type GroupRow } from "../governance";
import { Implementation, KnowledgeSupport, type ImplementationRow, type KnowledgeSupportRow } from "./knowledge.types";

export enum KnowledgeGapKind {
  PUBLISHED_WITHOUT_DECISION = "PUBLISHED_WITHOUT_DECISION",
  IMPLEMENTATION_STUCK = "IMPLEMENTATION_STUCK",
  RETIRED_STILL_IMPLEMENTED = "RETIRED_STILL_IMPLEMENTED",
  POSSIBLE_DUPLICATE = "POSSIBLE_DUPLICATE",
}

registerEnumType(KnowledgeGapKind, {
  name: "KnowledgeGapKind",
  description: "A way the implementation of knowledge support needs attention.",
  valuesConfig: {
    PUBLISHED_WITHOUT_DECISION: {
      description:
        "Knowledge support published (or under revision) for more than `months` months, and a region has recorded no decision on it.",
    },
    IMPLEMENTATION_STUCK: {
      description: "An implementation has been DECIDED, PLANNING or IMPLEMENTING for more than `months` months.",
    },
    RETIRED_STILL_IMPLEMENTED: {
      description:
        "Knowledge support is retired, and a region or municipality is still deciding on, planning or implementing it.",
    },
    POSSIBLE_DUPLICATE: {
      description:
        "Two knowledge supports in use of the same kind share a program area: an overlapping scope to look at (the flora to simplify).",
    },
  },
});

export interface KnowledgeGapRow {
  kind: KnowledgeGapKind;
  message: string;
  knowledgeSupportId: string;
  otherKnowledgeSupportId: string | null;
  implementationId: string | null;
  countyCode: string | null;
  programAreaId: string | null;
}

const GAP_ROW = row({
  kind: oneOf(Object.values(KnowledgeGapKind)),
  message: text(),
  knowledgeSupportId: text(),
  otherKnowledgeSupportId: nullable(text()),
  implementationId: nullable(text()),
  countyCode: nullable(text()),
  programAreaId: nullable(text()),
});

@ObjectType({ description: "One place where the implementation of knowledge support needs attention." })
export class KnowledgeGap {
  @Field(() => KnowledgeGapKind, { description: "What kind of gap." })
  kind!: KnowledgeGapKind;

  @Field({ description: "What needs attention, in words." })
  message!: string;

  knowledgeSupportId!: string;
  otherKnowledgeSupportId!: string | null;
  implementationId!: string | null;
  countyCode!: string | null;
  programAreaId!: string | null;
}

@ObjectType({ description: "A page of knowledge-support gaps." })
class KnowledgeGapConnection extends Connection(KnowledgeGap, "KnowledgeGap") {}

@ArgsType()
class KnowledgeGapsArgs extends PageArgs {
  @Field(() => [KnowledgeGapKind], { nullable: true, description: "Only these kinds of gap; all when omitted." })
  @OptionalEnumList()
  kinds?: KnowledgeGapKind[] | null;

  @Field(() => Int, {
    defaultValue: 12,
    description: "How many months without a decision, or in one status, make a gap: 1 to 120.",
  })
  @IsInt()
  @Min(1)
  @Max(120)
  months!: number;

  @Field(() => String, { nullable: true, description: 'Only gaps of this region (länskod, e.g. "22").' })
  @OptionalCountyCode()
  region?: string | null;

  @Field(() => GraphQLDate, { nullable: true, description: 'The day to check, e.g. "2024-03-01". Defaults to today.' })
  @IsOptional()
  asOf?: Date | null;
}

/** The state and the status on `on`, as SQL on the aliases `ks` and `im`. */
const stateOn = (on: Prisma.Sql) => Prisma.sql`(SELECT s.state FROM knowledge_support_state s
  WHERE s.knowledge_support_id = ks.id AND (s.valid_from IS NULL OR s.valid_from <= ${on}) AND (s.valid_to IS NULL OR s.valid_to >= ${on}) LIMIT 1)`;

/** Every gap on a day, in one statement. */
export async function knowledgeGaps(
  prisma: Database,
  day: Date,
  months: number,
  region: string | null,
): Promise<KnowledgeGapRow[]> {
  const on = Prisma.sql`${isoDay(day)}::date`;
  const cutoff = Prisma.sql`(${on} - make_interval(months => ${months}::int))::date`;
  const inRegion = (column: Prisma.Sql) => (region ? Prisma.sql`AND ${column} = ${region}` : Prisma.empty);
  return queryRows(
    prisma,
    Prisma.sql`
    WITH supports AS (
      SELECT ks.id, ks.name, ks.kind, ${stateOn(on)} AS state,
             (SELECT min(coalesce(s.valid_from, '-infinity'::date)) FROM knowledge_support_state s
               WHERE s.knowledge_support_id = ks.id AND s.state = 'PUBLISHED' AND (s.valid_from IS NULL OR s.valid_from <= ${on})) AS published
        FROM knowledge_support ks
    ),
    statuses AS (
      SELECT im.id, im.knowledge_support_id, im.county_code, im.municipality_code, st.status, st.valid_from
        FROM implementation im
        JOIN implementation_status st ON st.implementation_id = im.id
       WHERE st.valid_from <= ${on} AND (st.valid_to IS NULL OR st.valid_to >= ${on}) ${inRegion(Prisma.sql`im.county_code`)}
    )
    SELECT 'PUBLISHED_WITHOUT_DECISION' AS kind,
           s.name || ' has been published since ' || coalesce(to_char(nullif(s.published, '-infinity'), 'YYYY-MM-DD'), 'before records began')
             || ' and ' || r.name || ' has recorded no decision on it' AS message,
           s.id::text AS "knowledgeSupportId", NULL AS "otherKnowledgeSupportId", NULL AS "implementationId",
           r.county_code AS "countyCode", NULL AS "programAreaId"
      FROM supports s CROSS JOIN region r
     WHERE s.state IN ('PUBLISHED', 'UNDER_REVISION') AND s.published <= ${cutoff} ${inRegion(Prisma.sql`r.county_code`)}
       AND NOT EXISTS (SELECT 1 FROM statuses x WHERE x.knowledge_support_id = s.id AND x.county_code = r.county_code
                          AND x.municipality_code IS NULL AND x.status <> 'NOT_DECIDED')
    UNION ALL
    SELECT 'IMPLEMENTATION_STUCK',
           s.name || ' in ' || coalesce(mu.name, r.name) || ' has been ' || x.status || ' since ' || to_char(x.valid_from, 'YYYY-MM-DD'),
           s.id::text, NULL, x.id::text, x.county_code, NULL
      FROM statuses x JOIN supports s ON s.id = x.knowledge_support_id JOIN region r ON r.county_code = x.county_code
      LEFT JOIN municipality mu ON mu.code = x.municipality_code
     WHERE x.status IN ('DECIDED', 'PLANNING', 'IMPLEMENTING') AND x.valid_from <= ${cutoff} AND s.state IS DISTINCT FROM 'RETIRED'
    UNION ALL
    SELECT 'RETIRED_STILL_IMPLEMENTED',
           s.name || ' is retired, and ' || coalesce(mu.name, r.name) || ' is still ' || x.status,
           s.id::text, NULL, x.id::text, x.county_code, NULL
      FROM statuses x JOIN supports s ON s.id = x.knowledge_support_id JOIN region r ON r.county_code = x.county_code
      LEFT JOIN municipality mu ON mu.code = x.municipality_code
     WHERE s.state = 'RETIRED' AND x.status IN ('DECIDED', 'PLANNING', 'IMPLEMENTING')
    UNION ALL
    SELECT 'POSSIBLE_DUPLICATE',
           a.name || ' and ' || b.name || ' are both ' || a.kind || ' of ' || pa.name,
           a.id::text, b.id::text, NULL, NULL, pa.id::text
      FROM supports a
      JOIN knowledge_support_program_area aa ON aa.knowledge_support_id = a.id
      JOIN knowledge_support_program_area ba ON ba.program_area_id = aa.program_area_id AND ba.knowledge_support_id > a.id
      JOIN supports b ON b.id = ba.knowledge_support_id AND b.kind = a.kind
      JOIN governance_group pa ON pa.id = aa.program_area_id
     WHERE a.state IN ('PUBLISHED', 'UNDER_REVISION') AND b.state IN ('PUBLISHED', 'UNDER_REVISION') ${region ? Prisma.sql`AND FALSE` : Prisma.empty}
     ORDER BY 1, 2, 3`,
    GAP_ROW,
  );
}

@Resolver(() => KnowledgeGap)
export class KnowledgeGapResolver {
  @Query(() => KnowledgeGapConnection, {
    description:
      "Where the implementation of knowledge support needs attention on `asOf` (default today): published support with no decision in a region after `months` months, implementations stuck in a status, retired support still being implemented, possible duplicates. Like `structureGaps`, by kind and message.",
  })
  async knowledgeGaps(
    @Args() args: KnowledgeGapsArgs,
    @Ctx() { prisma }: Context,
  ): Promise<ConnectionOf<KnowledgeGapRow>> {
    const gaps = await knowledgeGaps(prisma, args.asOf ?? today(), args.months, args.region ?? null);
    const wanted = args.kinds?.length ? gaps.filter((gap) => args.kinds!.includes(gap.kind)) : gaps;
    return toConnection(
      paginate(wanted, args, "knowledge-gaps", (gap) => [
        gap.kind,
        gap.message,
        gap.knowledgeSupportId,
        gap.otherKnowledgeSupportId ?? "",
        gap.implementationId ?? "",
        gap.countyCode ?? "",
      ]),
    );
  }

  @FieldResolver(() => KnowledgeSupport, { description: "The knowledge support concerned." })
  async knowledgeSupport(@Root() gap: KnowledgeGapRow, @Ctx() { loaders }: Context): Promise<KnowledgeSupportRow> {
    const found = await loaders.knowledgeSupportById.load(gap.knowledgeSupportId);
    if (!found) throw new Error(`A gap refers to a missing knowledge support`);
    return found;
  }

  @FieldResolver(() => KnowledgeSupport, {
    nullable: true,
    description: "The other knowledge support of a possible duplicate.",
  })
  otherKnowledgeSupport(
    @Root() gap: KnowledgeGapRow,
    @Ctx() { loaders }: Context,
  ): Promise<KnowledgeSupportRow | null> | null {
    return gap.otherKnowledgeSupportId ? loaders.knowledgeSupportById.load(gap.otherKnowledgeSupportId) : null;
  }

  @FieldResolver(() => Implementation, { nullable: true, description: "The implementation concerned, if one is." })
  implementation(@Root() gap: KnowledgeGapRow, @Ctx() { loaders }: Context): Promise<ImplementationRow | null> | null {
    return gap.implementationId ? loaders.implementationById.load(gap.implementationId) : null;
  }

  @FieldResolver(() => Region, { nullable: true, description: "The region concerned, if one is." })
  region(@Root() gap: KnowledgeGapRow, @Ctx() { loaders }: Context): Promise<RegionRow | null> | null {
    return gap.countyCode ? loaders.regionByCountyCode.load(gap.countyCode) : null;
  }

  @FieldResolver(() => GovernanceGroup, {
    nullable: true,
    description: "The program area shared by a possible duplicate.",
  })
  programArea(@Root() gap: KnowledgeGapRow, @Ctx() { loaders }: Context): Promise<GroupRow | null> | null {
    return gap.programAreaId ? loaders.groupById.load(gap.programAreaId) : null;
  }
}
