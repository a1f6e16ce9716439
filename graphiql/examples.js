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
    query: `# Which knowledge support (kunskapsstöd) exists for a program area: owner, kind, state, versions.
query KnowledgeSupportOfArea($area: String! = "psykisk-halsa") {
  knowledgeSupports(filter: { programArea: $area }, first: 50) {
    totalCount
    nodes {
      name kind url municipalTarget provenance
      ownerGroup { name } ownerOrganisation { name }
      state { state validFrom reason }
      versions { label publishedOn }
    }
  }
}`,
  },
  {
    query: `# Which knowledge support of an area a region has decided to implement, how far each has come,
# which it has not decided on (NOT_DECIDED), and how each is followed up.
query MyRegion($area: String! = "psykisk-halsa", $region: String! = "22") {
  knowledgeSupports(filter: { programArea: $area, state: [PUBLISHED, UNDER_REVISION] }, first: 50) {
    nodes {
      name kind
      implementations(region: $region) {
        municipality { name } jointWithMunicipalities decisionDate decidedBy
        responsibleGroup { name }
        status { status validFrom reason }
      }
      followUps { indicator dataSource targetLevel latestValues(region: $region) { value periodStart periodEnd source } }
    }
  }
  myColumn: implementationMatrix(programArea: $area, region: $region) {
    knowledgeSupport { name }
    cells { status since }
  }
}`,
  },
  {
    query: `# The implementation matrix of a program area: each knowledge support × the 21 regions, on a day.
query ImplementationMatrix($area: String! = "psykisk-halsa", $day: Date) {
  implementationMatrix(programArea: $area, asOf: $day) {
    knowledgeSupport { name kind state(asOf: $day) { state } }
    cells { region { name } status since implementation { decisionDate responsibleGroup { name } } }
  }
}`,
  },
  {
    query: `# A dry run of a region's tracking sheet of implementation statuses: checked and reported, nothing written.
# Needs an API key with write:region:22 (or write) in the Headers pane.
mutation DryRunImplementationSheet(
  $rows: [ImplementationStatusRowInput!]! = [
    { knowledgeSupport: "generiskt-ramverk-for-kunskapsstod", status: "IMPLEMENTING", from: "2025-09-01", decisionDate: "2025-03-01" }
  ]
) {
  syncImplementationStatuses(input: { countyCode: "22", dryRun: true, rows: $rows }) {
    applied
    counts { created updated unchanged failed }
    failures { index knowledgeSupport code field message }
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
