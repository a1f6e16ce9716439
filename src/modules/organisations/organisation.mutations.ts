import { Args, Ctx, Mutation, Resolver } from "type-graphql";
import type { Organisation as OrganisationRow } from "../../generated/prisma/client";
import type { Context } from "../../graphql/context";
import { InputArgs } from "../../graphql/validation";
import { Organisation } from "./organisation.types";
import { CreateOrganisationInput, UpdateOrganisationInput } from "./organisation.inputs";
import { OrganisationWriteService } from "./organisation.write";

const CreateOrganisationArgs = InputArgs(CreateOrganisationInput);
const UpdateOrganisationArgs = InputArgs(UpdateOrganisationInput);

@Resolver()
export class OrganisationMutations {
  @Mutation(() => Organisation, { description: "Records an organisation. CONFLICT when the slug is taken." })
  createOrganisation(
    @Args(() => CreateOrganisationArgs) { input }: { input: CreateOrganisationInput },
    @Ctx() context: Context,
  ): Promise<OrganisationRow> {
    return new OrganisationWriteService(context.prisma).createOrganisation(context, input);
  }

  @Mutation(() => Organisation, {
    description:
      "Changes an organisation's name, description, notes or sources. Regions, healthcare regions and municipalities come with the geography: changing them needs `write`, whatever their county.",
  })
  updateOrganisation(
    @Args(() => UpdateOrganisationArgs) { input }: { input: UpdateOrganisationInput },
    @Ctx() context: Context,
  ): Promise<OrganisationRow> {
    return new OrganisationWriteService(context.prisma).updateOrganisation(context, input);
  }
}
