import { anonymousCaller, type Caller } from "../../src/access/caller";
import { readVisibility } from "../../src/access/authorize";
import type { Scope } from "../../src/access/scopes";
import { ByteLru } from "../../src/graphql/byte-lru";
import { canonicalJson } from "../../src/graphql/response-cache";

const sized = (name: string, bytes: number) => ({ name, bytes });

describe("ByteLru", () => {
  it("keeps values while their bytes fit, and evicts the least recently used first", () => {
    const evicted: string[] = [];
    const lru = new ByteLru<{ name: string; bytes: number }>(100, (value) => evicted.push(value.name));
    lru.set("a", sized("a", 40));
    lru.set("b", sized("b", 40));
    expect(lru.get("a")?.name).toBe("a"); // a is now the most recently used
    lru.set("c", sized("c", 40));
    expect(evicted).toEqual(["b"]);
    expect(lru.get("b")).toBeUndefined();
    expect([lru.size, lru.bytes]).toEqual([2, 80]);
    lru.set("d", sized("d", 90));
    expect(evicted).toEqual(["b", "a", "c"]);
    expect([lru.size, lru.bytes]).toEqual([1, 90]);
  });

  it("replaces a value under the same key without counting it twice, and refuses one larger than the bound", () => {
    const lru = new ByteLru<{ name: string; bytes: number }>(100);
    lru.set("a", sized("a1", 30));
    lru.set("a", sized("a2", 50));
    expect([lru.size, lru.bytes, lru.get("a")?.name]).toEqual([1, 50, "a2"]);
    expect(lru.set("huge", sized("huge", 101))).toBe(false);
    expect([lru.size, lru.bytes]).toEqual([1, 50]);
    lru.clear();
    expect([lru.size, lru.bytes]).toEqual([0, 0]);
  });
});

describe("canonicalJson", () => {
  it("gives equal text for equal values whatever the order of their keys", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { e: 3, f: 2 }] }, b: 1 }),
    );
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
    expect(canonicalJson({ a: "1" })).not.toBe(canonicalJson({ a: 1 }));
    expect(JSON.parse(canonicalJson({ q: 'x"y', v: { n: 1.5 } }))).toEqual({ q: 'x"y', v: { n: 1.5 } });
  });
});

describe("readVisibility", () => {
  const key = (...scopes: Scope[]): Caller => ({ name: "k", keyId: "id", scopes });

  it("tells apart exactly the callers whose reads may differ", () => {
    expect(readVisibility(anonymousCaller(["read"]))).toBe("read");
    expect(readVisibility(key("read"))).toBe("read");
    expect(readVisibility(anonymousCaller([]))).toBe("");
    expect(readVisibility(key("read:contact"))).toBe("read,contact");
    expect(readVisibility(key("read:identifiers"))).toBe("read,identifiers");
    // Keys that write see identifiers, as read:identifiers does.
    expect(readVisibility(key("write"))).toBe(readVisibility(key("read:identifiers")));
    expect(readVisibility(key("write:region:22"))).toBe(readVisibility(key("read:identifiers")));
    expect(readVisibility(key("admin"))).toBe("read,identifiers,admin");
    expect(readVisibility(key("read:contact", "read:identifiers", "admin"))).toBe("read,contact,identifiers,admin");
  });
});
