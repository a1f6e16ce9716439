/** The intranet pages the read API is built for, as operations. Used by the benchmark and the SQL-count tests. */
export interface Operation {
  name: string;
  description: string;
  query: string;
  variables?: Record<string, unknown>;
}

const MEMBER = "role validFrom validTo person { name title } representing { name }";

export const INTRANET_OPERATIONS: Operation[] = [
  {
    name: "chain",
    description:
      "The whole chain for psykisk hälsa in Region Västernorrland: NPO, RPO, LPO, working groups, chairs and members",
    query: `query Chain {
      governanceChain(npo: "psykisk-halsa", region: "22") {
        nationalProgramArea { name host { name } chair { ${MEMBER} } members(first: 50) { totalCount nodes { ${MEMBER} } } workingGroups { name chair { ${MEMBER} } } }
        healthcareRegions { name }
        regionalProgramAreas { name chair { ${MEMBER} } members(first: 50) { totalCount nodes { ${MEMBER} } } workingGroups { name members(first: 20) { nodes { ${MEMBER} } } } }
        localProgramAreas { name municipalities { name } linkedGroups { name } chair { ${MEMBER} } members(first: 50) { totalCount nodes { ${MEMBER} } } workingGroups { name members(first: 20) { nodes { ${MEMBER} } } } }
      } }`,
  },
  {
    name: "region-lpo-members",
    description: "Region Västernorrland's LPOs with their NPO, RPO, chair and members",
    query: `query RegionMembers {
      region(countyCode: "22") {
        name
        localProgramAreas {
          name
          programAreas { name regionalProgramAreas { name healthcareRegion { name } } }
          chair { ${MEMBER} }
          members(first: 100) { totalCount nodes { ${MEMBER} } }
        } } }`,
  },
  {
    name: "municipality-groups",
    description: "The groups Sundsvall sits in, at each of the three levels",
    query: `query MunicipalityGroups {
      municipality(code: "2281") {
        name
        national: groups(level: NATIONAL) { totalCount nodes { name kind chair { person { name } } } }
        healthcareRegional: groups(level: HEALTHCARE_REGIONAL) { totalCount nodes { name kind chair { person { name } } } }
        regional: groups(level: REGIONAL) { totalCount nodes { name kind chair { person { name } } } }
      } }`,
  },
  {
    name: "members-on-date",
    description: "The members of every NPO on 2024-03-01",
    query: `query MembersOnDate {
      groups(filter: { kind: [NPO], activeOn: "2024-03-01" }, first: 30) {
        nodes { name members(activeOn: "2024-03-01", first: 100) { totalCount nodes { ${MEMBER} } } }
      } }`,
  },
  {
    name: "search",
    description: 'Search for "psyk" across groups, organisations and people',
    query: `query Search { search(query: "psyk", first: 20) { totalCount nodes { __typename ... on GovernanceGroup { name kind } ... on Person { givenName familyName } ... on Organisation { name } } } }`,
  },
];
