import {
  GovernanceGroupResolver,
  HostingResolver,
  LocalProgramAreaResolver,
  NationalCollaborationGroupResolver,
  NationalProgramAreaResolver,
  RegionalProgramAreaResolver,
  WorkingGroupResolver,
} from "./governance.resolver";
import { GovernanceChainResolver } from "./chain.resolver";
import { MunicipalityGroupsResolver } from "./municipality-groups.resolver";
import { GroupMutations } from "./group.mutations";

export const GovernanceResolvers = [
  GovernanceGroupResolver,
  NationalProgramAreaResolver,
  NationalCollaborationGroupResolver,
  RegionalProgramAreaResolver,
  LocalProgramAreaResolver,
  WorkingGroupResolver,
  HostingResolver,
  MunicipalityGroupsResolver,
  GovernanceChainResolver,
  GroupMutations,
] as const;
