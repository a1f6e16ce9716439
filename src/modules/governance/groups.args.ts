import { IsOptional, ValidateNested } from "class-validator";
import { GraphQLDate } from "../../graphql/scalars";
import { ArgsType, Field, InputType, registerEnumType } from "type-graphql";
import { GroupKind, GroupLevel } from "../../generated/prisma/enums";
import { PageArgs } from "../../graphql/pagination";
import { ACTIVE_ON_DESCRIPTION } from "../../graphql/period";
import { OptionalCountyCode, OptionalEnumList, OptionalMunicipalityCode, OptionalSlug } from "../../graphql/validation";

export enum GroupOrderField {
  NAME = "NAME",
  SLUG = "SLUG",
}
export enum OrderDirection {
  ASC = "ASC",
  DESC = "DESC",
}
registerEnumType(GroupOrderField, {
  name: "GroupOrderField",
  description: "What to order groups by.",
  valuesConfig: { NAME: { description: "Name, in Swedish alphabetical order." }, SLUG: { description: "Slug." } },
});
registerEnumType(OrderDirection, {
  name: "OrderDirection",
  description: "Sort direction.",
  valuesConfig: { ASC: { description: "Ascending." }, DESC: { description: "Descending." } },
});

const SLUG_MESSAGE = "must be lower-case letters and digits joined by hyphens, e.g. psykisk-halsa";

@InputType({ description: "Which groups to list. All given conditions must hold." })
export class GroupFilter {
  @Field(() => [GroupKind], { nullable: true, description: "Any of these kinds, e.g. [LPO, LAG]." })
  @OptionalEnumList()
  kind?: GroupKind[] | null;

  @Field(() => [GroupLevel], { nullable: true, description: "Any of these levels." })
  @OptionalEnumList()
  level?: GroupLevel[] | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Working in this healthcare region (slug, e.g. `norra`): its RPOs and RAGs, and the regional bodies of its regions.",
  })
  @OptionalSlug(`healthcareRegion ${SLUG_MESSAGE}`)
  healthcareRegion?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Working in this region, by länskod (e.g. "22"): its LPOs, LAGs and regional bodies.',
  })
  @OptionalCountyCode('region must be a länskod of two digits, e.g. "22"')
  region?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The municipality (kommunkod, e.g. "2281") sits in: as a participant or through a member representing it, on `activeOn`.',
  })
  @OptionalMunicipalityCode('municipality must be a kommunkod of four digits, e.g. "2281"')
  municipality?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Belonging to this national program area (slug, e.g. `psykisk-halsa`): the NPO, its RPOs and LPOs, and their working groups.",
  })
  @OptionalSlug(`npo ${SLUG_MESSAGE}`)
  npo?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "Only groups with (true) or without (false) municipal participation (kommunal medverkan).",
  })
  @IsOptional()
  municipalParticipation?: boolean | null;

  @Field(() => GraphQLDate, {
    nullable: true,
    description: `${ACTIVE_ON_DESCRIPTION} Groups with an unknown start count as in force.`,
  })
  @IsOptional()
  activeOn?: Date | null;
}

@InputType({ description: "How to order groups." })
export class GroupOrder {
  @Field(() => GroupOrderField, { description: "The field to order by." })
  field!: GroupOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: "The direction." })
  direction!: OrderDirection;
}

@ArgsType()
export class GroupsArgs extends PageArgs {
  @Field(() => GroupFilter, {
    nullable: true,
    description: "Conditions on the groups; none lists every group in force today.",
  })
  @IsOptional()
  @ValidateNested()
  filter?: GroupFilter | null;

  @Field(() => GroupOrder, {
    nullable: true,
    description: "Order; by name ascending (Swedish alphabetical order) when omitted.",
  })
  @IsOptional()
  orderBy?: GroupOrder | null;
}
