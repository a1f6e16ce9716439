/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** The kind of governance body. */
export type GroupKind =
  /** Huvudmannagruppen (advisory group of elected politicians). */
  | 'ADVISORY_GROUP'
  /** Ordförandeforum (forum of all NPO and NSG chairs). */
  | 'CHAIRS_FORUM'
  /** A regional collaboration structure of a region and its municipalities, e.g. HälSam in Västernorrland. */
  | 'COLLABORATION_STRUCTURE'
  /** A regional knowledge council (kunskapsråd), e.g. of VästKom and Västra Götalandsregionen. */
  | 'KNOWLEDGE_COUNCIL'
  /** LAG – lokal arbetsgrupp, appointed by an LPO. */
  | 'LAG'
  /** LPO – lokalt programområde: mirrors one or more NPOs in one region. */
  | 'LPO'
  /** NAG – nationell arbetsgrupp (national working group), appointed by an NPO or NSG. */
  | 'NAG'
  /** NPO – nationellt programområde (national program area). */
  | 'NPO'
  /** NSG – nationell samverkansgrupp (national collaboration group). */
  | 'NSG'
  /** Partnership between the regions' system and the agencies. */
  | 'PARTNERSHIP'
  /** Beredningsgrupp (preparatory group of the steering group). */
  | 'PREPARATORY_GROUP'
  /** Nationellt primärvårdsråd (national primary-care council), counted beside the NPOs. */
  | 'PRIMARY_CARE_COUNCIL'
  /** RAG – regional arbetsgrupp, appointed by an RPO. */
  | 'RAG'
  /** RPO – sjukvårdsregionalt programområde: mirrors one NPO in one healthcare region. */
  | 'RPO'
  /** Rådet för styrning med kunskap (council of government agencies). */
  | 'STATE_COUNCIL'
  /** SKS – styrgrupp för kunskapsstyrning (the system's steering group). */
  | 'STEERING_GROUP'
  /** Nationell stödfunktion (national support function at SKR). */
  | 'SUPPORT_FUNCTION';

export type GroupPeriodQueryVariables = Exact<{
  slug: string;
}>;


export type GroupPeriodQuery = { group:
    | { id: string, kind: GroupKind, name: string, validFrom: string | null, validTo: string | null, version: number }
    | { id: string, kind: GroupKind, name: string, validFrom: string | null, validTo: string | null, version: number }
    | { id: string, kind: GroupKind, name: string, validFrom: string | null, validTo: string | null, version: number }
    | { id: string, kind: GroupKind, name: string, validFrom: string | null, validTo: string | null, version: number }
    | { id: string, kind: GroupKind, name: string, validFrom: string | null, validTo: string | null, version: number }
    | { id: string, kind: GroupKind, name: string, validFrom: string | null, validTo: string | null, version: number }
   | null };


export const GroupPeriodDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GroupPeriod"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"slug"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"group"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"slug"},"value":{"kind":"Variable","name":{"kind":"Name","value":"slug"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"validFrom"}},{"kind":"Field","name":{"kind":"Name","value":"validTo"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]} as unknown as DocumentNode<GroupPeriodQuery, GroupPeriodQueryVariables>;