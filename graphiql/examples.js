// Ready-made operations GraphiQL opens with, one tab each. Variables have defaults in the
// operations themselves, so each tab runs as it opens; override them in the Variables pane.
export const EXAMPLES = [
  {
    query: `# The chain for one national program area (NPO) in one region:
# the NPO, the RPO of the region's healthcare region, the region's LPO, their working groups.
query Chain($npo: String! = "psykisk-halsa", $region: String! = "22") {
  governanceChain(npo: $npo, region: $region) {
    nationalProgramArea { name host { name } chair { person { name } } }
    regionalProgramAreas { name chair { person { name } } workingGroups { name } }
    localProgramAreas { name municipalities { name } workingGroups { name } }
  }
}`,
  },
  {
    query: `# The groups a municipality sits in, at each level.
query MunicipalityGroups($code: String! = "2281") {
  municipality(code: $code) {
    name
    national: groups(level: NATIONAL) { nodes { name kind } }
    healthcareRegional: groups(level: HEALTHCARE_REGIONAL) { nodes { name kind } }
    regional: groups(level: REGIONAL) { nodes { name kind } }
  }
}`,
  },
  {
    query: `# Who sat in a group on a given day (activeOn: null gives every period).
query MembersOnDate($slug: String! = "psykisk-halsa", $day: Date = "2024-03-01") {
  group(slug: $slug) {
    name
    chair(activeOn: $day) { person { name } validFrom validTo }
    members(activeOn: $day, first: 50) {
      totalCount
      nodes { role validFrom validTo person { name title } representing { name } }
    }
  }
}`,
  },
  {
    query: `# Search groups, organisations and people; case and accents do not matter.
query Search($q: String! = "psyk") {
  search(query: $q, first: 10) {
    totalCount
    nodes {
      __typename
      ... on GovernanceGroup { name kind }
      ... on Organisation { name }
      ... on Person { givenName familyName }
    }
  }
}`,
  },
  {
    query: `# Where the structure departs from the model.
query Gaps {
  structureGaps(first: 20) {
    totalCount
    nodes { kind message }
  }
}`,
  },
  {
    query: `# A dry run of a membership sync: everything is checked and reported, nothing is written.
# Writes need an API key: put {"Authorization": "Bearer kg_…"} in the Headers pane
# (npm run keys -- create --name my-sync --scopes write:region:22).
mutation DryRunSync(
  $memberships: [SyncMembershipInput!]! = [
    { externalId: "hr-22-0001", group: "lpo-22-psykisk-halsa", role: "SECRETARY", validFrom: "2025-01-01",
      representing: "region-vasternorrland",
      person: { externalId: "e-1001", hsaId: "SE2321000180-E000000000101", givenName: "Karin", familyName: "Sjöberg" } }
    { externalId: "hr-22-0002", group: "lpo-22-psykisk-halsa", role: "MEMBER", validFrom: "2025-01-01",
      representing: "kommun-2281",
      person: { externalId: "e-1002", givenName: "Olof", familyName: "Nordin" } }
  ]
) {
  syncMemberships(input: {
    sourceSystem: "hr-22", scope: { countyCode: "22" }, mode: MERGE, dryRun: true, memberships: $memberships
  }) {
    applied
    counts { created updated ended unchanged failed peopleCreated }
    failures { index externalId errors { field message } }
  }
}`,
  },
];
