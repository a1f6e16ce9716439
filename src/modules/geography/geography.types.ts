import { Node } from "../../graphql/node";
import { Field, ID, ObjectType } from "type-graphql";

@ObjectType({
  implements: Node,
  description:
    "A healthcare region (sjukvårdsregion): one of six groupings of regions that cooperate on specialised care. Identified by `slug`.",
})
export class HealthcareRegion {
  @Field(() => ID, { description: "Opaque global ID." })
  id!: string;

  @Field({ description: "Stable natural key, e.g. `norra`, `stockholm-gotland`." })
  slug!: string;

  @Field({ description: 'Official name, e.g. "Norra sjukvårdsregionen".' })
  name!: string;

  /** Absent on rows the read path loads: the resolver's `sources` field loads them when asked. */
  @Field(() => [String], { description: "Public sources the record is based on." })
  sources?: string[];
}

@ObjectType({
  implements: Node,
  description:
    "A region (region, formerly landsting): one of the 21 regional authorities responsible for health care, identified by its two-digit county code (länskod).",
})
export class Region {
  @Field(() => ID, { description: "Opaque global ID." })
  id!: string;

  @Field({ description: 'Länskod: two-digit county code, e.g. "22" for Region Västernorrland.' })
  countyCode!: string;

  @Field({ description: "Stable natural key, e.g. `region-vasternorrland`." })
  slug!: string;

  @Field({ description: 'Name of the region, e.g. "Region Västernorrland".' })
  name!: string;

  @Field({ description: 'Name of the county (län), e.g. "Västernorrlands län".' })
  countyName!: string;

  @Field(() => String, { nullable: true, description: "Remarks on the region's status or representation." })
  note!: string | null;

  /** Absent on rows the read path loads: the resolver's `sources` field loads them when asked. */
  @Field(() => [String], { description: "Public sources the record is based on." })
  sources?: string[];
}

@ObjectType({
  implements: Node,
  description:
    "A municipality (kommun), identified by its four-digit municipality code (kommunkod) whose first two digits are its county code.",
})
export class Municipality {
  @Field(() => ID, { description: "Opaque global ID." })
  id!: string;

  @Field({ description: 'Kommunkod: four-digit municipality code, e.g. "2281" for Sundsvall.' })
  code!: string;

  @Field({ description: 'Short name, e.g. "Sundsvall".' })
  name!: string;

  @Field({ description: "Länskod of the county the municipality lies in." })
  countyCode!: string;

  healthcareRegionId!: string;
}
