import { readFileSync } from "node:fs";
import path from "node:path";
import { printApplicationSchema as printGraphQLSchema } from "../src/app";

describe("schema.graphql", () => {
  it("is the schema the code builds (run `npm run schema:emit` after changing it)", async () => {
    const checkedIn = readFileSync(path.join(__dirname, "..", "schema.graphql"), "utf8");
    expect(checkedIn).toBe(await printGraphQLSchema());
  });

  it("describes every type, field, input field and argument", async () => {
    const sdl = await printGraphQLSchema();
    const { buildSchema, isObjectType, isInterfaceType, isEnumType, isInputObjectType } = await import("graphql");
    const schema = buildSchema(sdl);
    const undocumented: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__")) continue;
      if (!type.description && !["String", "Boolean", "Int", "ID", "Float"].includes(type.name))
        undocumented.push(type.name);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) undocumented.push(`${type.name}.${field.name}`);
          for (const arg of field.args)
            if (!arg.description) undocumented.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isInputObjectType(type))
        for (const field of Object.values(type.getFields()))
          if (!field.description) undocumented.push(`${type.name}.${field.name}`);
      if (isEnumType(type))
        for (const value of type.getValues()) if (!value.description) undocumented.push(`${type.name}.${value.name}`);
    }
    expect(undocumented).toEqual([]);
  });

  it("types counts as Int and names the specification of every custom scalar (for generated clients)", async () => {
    const { buildSchema, isScalarType, isObjectType, getNamedType } = await import("graphql");
    const schema = buildSchema(await printGraphQLSchema());
    const builtIn = ["String", "Boolean", "Int", "ID", "Float"];
    const unspecified = Object.values(schema.getTypeMap()).filter(
      (type) => isScalarType(type) && !builtIn.includes(type.name) && !type.specifiedByURL,
    );
    expect(unspecified.map((type) => type.name)).toEqual([]);
    const floats = Object.values(schema.getTypeMap()).flatMap((type) =>
      isObjectType(type) && !type.name.startsWith("__")
        ? Object.values(type.getFields())
            .filter((field) => getNamedType(field.type).name === "Float")
            .map((field) => `${type.name}.${field.name}`)
        : [],
    );
    // Shares and fractions are Float; nothing counted is.
    expect(floats.filter((name) => /count|expected|recorded|missing|total/i.test(name))).toEqual([]);
  });
});
