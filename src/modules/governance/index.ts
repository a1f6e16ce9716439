import {
  GovernanceGroupResolver,
  HostingResolver,
  LocalProgramAreaResolver,
  NationalCollaborationGroupResolver,
  NationalProgramAreaResolver,
  RegionalProgramAreaResolver,
  WorkingGroupResolver,
} from "./governance.resolver";

export const GovernanceResolvers = [
  GovernanceGroupResolver,
  NationalProgramAreaResolver,
  NationalCollaborationGroupResolver,
  RegionalProgramAreaResolver,
  LocalProgramAreaResolver,
  WorkingGroupResolver,
  HostingResolver,
] as const;
