import {
  periodProblem,
  representationProblem,
  roleProblem,
  type GroupPlace,
  type OrganisationPlace,
} from "../../src/modules/people/membership.rules";

const day = (text: string) => new Date(`${text}T00:00:00Z`);
const lpo22: GroupPlace = { kind: "LPO", level: "REGIONAL", countyCode: "22", healthcareRegionId: null, validTo: null };
const rpoNorra: GroupPlace = {
  kind: "RPO",
  level: "HEALTHCARE_REGIONAL",
  countyCode: null,
  healthcareRegionId: "norra",
  validTo: null,
};
const npo: GroupPlace = { kind: "NPO", level: "NATIONAL", countyCode: null, healthcareRegionId: null, validTo: null };
const place = (overrides: Partial<OrganisationPlace>): OrganisationPlace => ({
  id: "o",
  slug: "org",
  kind: "OTHER",
  countyCode: null,
  healthcareRegionIds: [],
  ...overrides,
});

describe("roles", () => {
  it("keeps process leaders and coordinators to bodies with their own process organisation", () => {
    expect(roleProblem("PROCESS_LEADER", "LPO")).toBeUndefined();
    expect(roleProblem("COORDINATOR", "NSG")).toBeUndefined();
    expect(roleProblem("PROCESS_LEADER", "LAG")).toMatch(/not used in a LAG/);
    expect(roleProblem("MEMBER", "LAG")).toBeUndefined();
  });
});

describe("periods", () => {
  it("run forwards", () => {
    expect(periodProblem(day("2024-02-01"), day("2024-01-31"), lpo22)).toEqual({
      field: "validTo",
      message: "validTo must not be before validFrom",
    });
    expect(periodProblem(day("2024-02-01"), day("2024-02-01"), lpo22)).toBeUndefined();
    expect(periodProblem(day("2024-02-01"), null, lpo22)).toBeUndefined();
  });

  it("stay within a dissolved group's life: no start after its last day, no running past it", () => {
    const dissolved = { ...lpo22, validTo: day("2024-06-30") };
    expect(periodProblem(day("2024-07-01"), null, dissolved)?.field).toBe("validFrom");
    expect(periodProblem(day("2024-01-01"), null, dissolved)?.field).toBe("validTo");
    expect(periodProblem(day("2024-01-01"), day("2024-07-01"), dissolved)?.field).toBe("validTo");
    expect(periodProblem(day("2024-01-01"), day("2024-06-30"), dissolved)).toBeUndefined();
  });
});

describe("who may be represented where", () => {
  it("national groups take any organisation", () => {
    expect(representationProblem(place({ kind: "AGENCY" }), npo)).toBeUndefined();
  });

  it("agencies, SKR and Inera sit only in national groups", () => {
    expect(representationProblem(place({ kind: "AGENCY", slug: "socialstyrelsen" }), lpo22)).toMatch(
      /only in national groups/,
    );
  });

  it("a healthcare region's groups take organisations within it, or with no place", () => {
    expect(representationProblem(place({ healthcareRegionIds: ["norra"] }), rpoNorra)).toBeUndefined();
    expect(representationProblem(place({ healthcareRegionIds: ["sodra"] }), rpoNorra)).toMatch(
      /outside the group's healthcare region/,
    );
    expect(representationProblem(place({}), rpoNorra)).toBeUndefined();
  });

  it("a region's groups take organisations of its county, never a healthcare region", () => {
    expect(representationProblem(place({ kind: "MUNICIPALITY", countyCode: "22" }), lpo22)).toBeUndefined();
    expect(
      representationProblem(place({ kind: "MUNICIPALITY", countyCode: "01", slug: "kommun-0180" }), lpo22),
    ).toMatch(/belongs to county 01/);
    expect(representationProblem(place({ kind: "HEALTHCARE_REGION", slug: "norra" }), lpo22)).toMatch(
      /not represented in a region's own groups/,
    );
  });
});
