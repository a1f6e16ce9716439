/**
 * @generated SignedSource<<2850d4217131c5a97dcc7fab1d16589b>>
 * @lightSyntaxTransform
 */

/* tslint:disable */
/* eslint-disable */
// @ts-nocheck

import { ConcreteRequest } from 'relay-runtime';
export type relayRegionQuery$variables = {
  countyCode: string;
};
export type relayRegionQuery$data = {
  readonly region: {
    readonly healthcareRegion: {
      readonly id: string;
      readonly name: string;
    };
    readonly id: string;
    readonly localProgramAreas: ReadonlyArray<{
      readonly id: string;
      readonly name: string;
      readonly slug: string;
      readonly validFrom: string | null | undefined;
    }>;
    readonly name: string;
  } | null | undefined;
};
export type relayRegionQuery = {
  response: relayRegionQuery$data;
  variables: relayRegionQuery$variables;
};

const node: ConcreteRequest = (function(){
var v0 = [
  {
    "defaultValue": null,
    "kind": "LocalArgument",
    "name": "countyCode"
  }
],
v1 = {
  "alias": null,
  "args": null,
  "kind": "ScalarField",
  "name": "id",
  "storageKey": null
},
v2 = {
  "alias": null,
  "args": null,
  "kind": "ScalarField",
  "name": "name",
  "storageKey": null
},
v3 = [
  {
    "alias": null,
    "args": [
      {
        "kind": "Variable",
        "name": "countyCode",
        "variableName": "countyCode"
      }
    ],
    "concreteType": "Region",
    "kind": "LinkedField",
    "name": "region",
    "plural": false,
    "selections": [
      (v1/*:: as any*/),
      (v2/*:: as any*/),
      {
        "alias": null,
        "args": null,
        "concreteType": "HealthcareRegion",
        "kind": "LinkedField",
        "name": "healthcareRegion",
        "plural": false,
        "selections": [
          (v1/*:: as any*/),
          (v2/*:: as any*/)
        ],
        "storageKey": null
      },
      {
        "alias": null,
        "args": null,
        "concreteType": "LocalProgramArea",
        "kind": "LinkedField",
        "name": "localProgramAreas",
        "plural": true,
        "selections": [
          (v1/*:: as any*/),
          {
            "alias": null,
            "args": null,
            "kind": "ScalarField",
            "name": "slug",
            "storageKey": null
          },
          (v2/*:: as any*/),
          {
            "alias": null,
            "args": null,
            "kind": "ScalarField",
            "name": "validFrom",
            "storageKey": null
          }
        ],
        "storageKey": null
      }
    ],
    "storageKey": null
  }
];
return {
  "fragment": {
    "argumentDefinitions": (v0/*:: as any*/),
    "kind": "Fragment",
    "metadata": null,
    "name": "relayRegionQuery",
    "selections": (v3/*:: as any*/),
    "type": "Query",
    "abstractKey": null
  },
  "kind": "Request",
  "operation": {
    "argumentDefinitions": (v0/*:: as any*/),
    "kind": "Operation",
    "name": "relayRegionQuery",
    "selections": (v3/*:: as any*/)
  },
  "params": {
    "cacheID": "5018787c5ba3f710cb42d1ff993a8aed",
    "id": null,
    "metadata": {},
    "name": "relayRegionQuery",
    "operationKind": "query",
    "text": "query relayRegionQuery(\n  $countyCode: String!\n) {\n  region(countyCode: $countyCode) {\n    id\n    name\n    healthcareRegion {\n      id\n      name\n    }\n    localProgramAreas {\n      id\n      slug\n      name\n      validFrom\n    }\n  }\n}\n"
  }
};
})();

(node as any).hash = "4c1ff9e87c6f314b6871f56cccc8a712";

export default node;
