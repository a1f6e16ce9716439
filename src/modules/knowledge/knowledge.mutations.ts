import { Args, Ctx, Mutation, Resolver } from "type-graphql";
import type {
  FollowUp as FollowUpModel,
  Implementation as ImplementationModel,
  KnowledgeSupport as KnowledgeSupportModel,
} from "../../generated/prisma/client";
import type { Context } from "../../graphql/context";
import { InputArgs } from "../../graphql/validation";
import {
  CreateFollowUpInput,
  CreateImplementationInput,
  CreateKnowledgeSupportInput,
  ReportFollowUpValueInput,
  SyncImplementationStatusesInput,
  UpdateFollowUpInput,
  UpdateImplementationInput,
  UpdateKnowledgeSupportInput,
} from "./knowledge.inputs";
import {
  FollowUp,
  FollowUpValue,
  Implementation,
  ImplementationSyncResult,
  KnowledgeSupport,
  type FollowUpValueRow,
} from "./knowledge.types";
import { KnowledgeWriteService, syncImplementationStatuses } from "./knowledge.write";

const CreateKnowledgeSupportArgs = InputArgs(CreateKnowledgeSupportInput);
const UpdateKnowledgeSupportArgs = InputArgs(UpdateKnowledgeSupportInput);
const CreateImplementationArgs = InputArgs(CreateImplementationInput);
const UpdateImplementationArgs = InputArgs(UpdateImplementationInput);
const CreateFollowUpArgs = InputArgs(CreateFollowUpInput);
const UpdateFollowUpArgs = InputArgs(UpdateFollowUpInput);
const ReportFollowUpValueArgs = InputArgs(ReportFollowUpValueInput);
const SyncImplementationStatusesArgs = InputArgs(SyncImplementationStatusesInput);

@Resolver()
export class KnowledgeMutations {
  @Mutation(() => KnowledgeSupport, {
    description: "Records a knowledge support in the register. Needs `write`. CONFLICT when the slug is taken.",
  })
  createKnowledgeSupport(
    @Args(() => CreateKnowledgeSupportArgs) { input }: { input: CreateKnowledgeSupportInput },
    @Ctx() context: Context,
  ): Promise<KnowledgeSupportModel> {
    return new KnowledgeWriteService(context.prisma).createKnowledgeSupport(context, input);
  }

  @Mutation(() => KnowledgeSupport, {
    description:
      "Changes a knowledge support: its fields, program areas, a new lifecycle state (retiring needs a reason) or a new version. A new name keeps the old one as a former name. Needs `write`.",
  })
  updateKnowledgeSupport(
    @Args(() => UpdateKnowledgeSupportArgs) { input }: { input: UpdateKnowledgeSupportInput },
    @Ctx() context: Context,
  ): Promise<KnowledgeSupportModel> {
    return new KnowledgeWriteService(context.prisma).updateKnowledgeSupport(context, input);
  }

  @Mutation(() => Implementation, {
    description:
      "Records an implementation (införande) of a knowledge support in a region or one of its municipalities, with its first status. Needs `write` or the region's `write:region:<länskod>`. CONFLICT when one is recorded already.",
  })
  createImplementation(
    @Args(() => CreateImplementationArgs) { input }: { input: CreateImplementationInput },
    @Ctx() context: Context,
  ): Promise<ImplementationModel> {
    return new KnowledgeWriteService(context.prisma).createImplementation(context, input);
  }

  @Mutation(() => Implementation, {
    description:
      "Changes an implementation: decision, responsible group, joint municipalities, adaptation note, or a new status from a day on (the current one ends the day before). Needs `write` or the region's `write:region:<länskod>`.",
  })
  updateImplementation(
    @Args(() => UpdateImplementationArgs) { input }: { input: UpdateImplementationInput },
    @Ctx() context: Context,
  ): Promise<ImplementationModel> {
    return new KnowledgeWriteService(context.prisma).updateImplementation(context, input);
  }

  @Mutation(() => FollowUp, {
    description: "Records a follow-up indicator (uppföljning) of a knowledge support. Needs `write`.",
  })
  createFollowUp(
    @Args(() => CreateFollowUpArgs) { input }: { input: CreateFollowUpInput },
    @Ctx() context: Context,
  ): Promise<FollowUpModel> {
    return new KnowledgeWriteService(context.prisma).createFollowUp(context, input);
  }

  @Mutation(() => FollowUp, {
    description:
      "Changes a follow-up indicator: what is measured, the data source, target level, note, sources or provenance. Needs `write`. CONFLICT when the knowledge support has another indicator of the new name.",
  })
  updateFollowUp(
    @Args(() => UpdateFollowUpArgs) { input }: { input: UpdateFollowUpInput },
    @Ctx() context: Context,
  ): Promise<FollowUpModel> {
    return new KnowledgeWriteService(context.prisma).updateFollowUp(context, input);
  }

  @Mutation(() => FollowUpValue, {
    description:
      "Reports a region's value of a follow-up indicator for a period; the same period reported again replaces it. Needs `write` or the region's `write:region:<länskod>`.",
  })
  reportFollowUpValue(
    @Args(() => ReportFollowUpValueArgs) { input }: { input: ReportFollowUpValueInput },
    @Ctx() context: Context,
  ): Promise<FollowUpValueRow> {
    return new KnowledgeWriteService(context.prisma).reportFollowUpValue(context, input);
  }

  @Mutation(() => ImplementationSyncResult, {
    description:
      "Syncs a region's implementation statuses from its own tracking sheet: idempotent (a status already recorded changes nothing), a dry run writes nothing. Every cell is text checked by the sync: a bad cell or a broken rule fails its row, reported by index and field, and refuses the whole sheet (applied whole or not at all), never the request. Needs `write` or the region's `write:region:<länskod>`.",
  })
  syncImplementationStatuses(
    @Args(() => SyncImplementationStatusesArgs) { input }: { input: SyncImplementationStatusesInput },
    @Ctx() context: Context,
  ): Promise<ImplementationSyncResult> {
    return syncImplementationStatuses(context.prisma, context, input);
  }
}
