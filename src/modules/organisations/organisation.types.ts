import { Node } from "../../graphql/node";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { OrganisationKind } from "../../generated/prisma/enums";

registerEnumType(OrganisationKind, {
  name: "OrganisationKind",
  description: "What kind of organisation it is.",
  valuesConfig: {
    HEALTHCARE_REGION: {
      description: "A healthcare region (sjukvårdsregion) acting as an organisation, e.g. as host of an NPO.",
    },
    REGION: { description: "A region (formerly landsting)." },
    MUNICIPALITY: { description: "A municipality (kommun)." },
    AGENCY: { description: "A government agency (myndighet), e.g. Socialstyrelsen." },
    MEMBER_ORGANISATION: { description: "SKR – Sveriges Kommuner och Regioner." },
    DIGITAL_SERVICES_COMPANY: { description: "Inera, the regions' and municipalities' digital-services company." },
    MUNICIPAL_ASSOCIATION: { description: "A municipal association (kommunförbund), e.g. VästKom." },
    PATIENT_ORGANISATION: {
      description:
        "A patient or relatives' organisation (patient- och anhörigförening, patient- och närståendeorganisation); its members sit as PATIENT_REPRESENTATIVE.",
    },
    PROFESSIONAL_ASSOCIATION: {
      description:
        "A professional association (professionsförening), e.g. a medical specialty society, working with the regions on knowledge governance.",
    },
    RESEARCH_BODY: {
      description:
        "A research body of the research community (forskarsamhället), e.g. a university or research institute.",
    },
    OTHER: { description: "Any other organisation." },
  },
});

@ObjectType({
  implements: Node,
  description:
    "An organisation that hosts groups, takes part in them or is represented by members: agencies, SKR, Inera, municipal associations, patient organisations, and the regions, healthcare regions and municipalities as organisations.",
})
export class Organisation {
  @Field(() => ID, { description: "Opaque global ID." })
  id!: string;

  @Field({ description: "Stable natural key, e.g. `socialstyrelsen`, `skr`, `kommun-2281`." })
  slug!: string;

  @Field(() => OrganisationKind, { description: "What kind of organisation it is." })
  kind!: OrganisationKind;

  @Field({ description: "Full name." })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Abbreviation where one is in use, e.g. "SBU".' })
  shortName!: string | null;

  @Field(() => String, { nullable: true, description: "What the organisation does in knowledge governance." })
  description!: string | null;

  @Field(() => String, { nullable: true, description: "Remarks, e.g. on what is not confirmed." })
  note!: string | null;

  @Field(() => [String], { description: "Public sources the record is based on." })
  sources!: string[];

  @Field(() => Int, {
    description: "Version of the record, raised by every change; pass it as `expectedVersion` when you update.",
  })
  version!: number;

  regionId!: string | null;
  healthcareRegionId!: string | null;
  municipalityId!: string | null;
}
