import { describe, expect, it } from "vitest";
import type { EventQuery, Expr } from "../../../src/eql/ast.js";
import { parseEql } from "../../../src/eql/parser.js";
import {
  absent,
  combinedWildcardValues,
  fieldOf,
  isArrayField,
  nearValues,
  satisfyingValues,
  wildcardExamples,
} from "../../../src/harness/synthesis/values.js";

function atom(text: string): Expr {
  return (parseEql(`any where ${text}`) as EventQuery).condition;
}

describe("fieldOf", () => {
  it("finds the field of each atom kind", () => {
    expect(fieldOf(atom('process.name : "a"'))).toBe("process.name");
    expect(fieldOf(atom("?user.id == null"))).toBe("user.id");
    expect(fieldOf(atom("3 < process.pid"))).toBe("process.pid");
    expect(fieldOf(atom("length(process.name) > 3"))).toBe("process.name");
    expect(fieldOf(atom("process.name == process.title"))).toBeNull();
  });
});

describe("isArrayField", () => {
  it("follows the ECS normalize list", () => {
    expect(isArrayField("process.args")).toBe(true);
    expect(isArrayField("process.name")).toBe(false);
    expect(isArrayField("winlog.event_data.CommandLine")).toBe(false);
  });
});

describe("satisfyingValues", () => {
  it("inverts comparisons", () => {
    expect(satisfyingValues(atom("process.pid > 4"))).toEqual([5]);
    expect(satisfyingValues(atom("4 > process.pid"))).toEqual([3]);
    expect(satisfyingValues(atom("process.pid != 4"))).toEqual([5, 3]);
    expect(satisfyingValues(atom("?user.id == null"))).toEqual([absent]);
    expect(satisfyingValues(atom("?source.ip != null"))).toEqual(["192.0.2.1"]);
    expect(satisfyingValues(atom("?process.pid != null"))).toEqual([0]);
    expect(satisfyingValues(atom("?process.name != null"))).toEqual([
      "synthesized-other",
    ]);
    expect(satisfyingValues(atom("length(process.name) == 3"))).toEqual([
      "xxx",
    ]);
  });

  it("lists in values and regex samples", () => {
    expect(
      satisfyingValues(atom('process.name in~ ("a.exe", "b.exe")')),
    ).toEqual(["a.exe", "b.exe"]);
    expect(satisfyingValues(atom('process.name not in ("a.exe")'))).toEqual([
      "synthesized-other",
    ]);
    expect(satisfyingValues(atom('process.name regex "ab[0-9]"'))).toEqual([
      "ab0",
    ]);
  });

  it("inverts string functions", () => {
    expect(satisfyingValues(atom('endsWith~(process.name, ".exe")'))).toEqual([
      "x.exe",
    ]);
    expect(
      satisfyingValues(atom('stringContains(process.name, "mof")')),
    ).toEqual(["xmofx"]);
    expect(
      satisfyingValues(
        atom('cidrMatch(source.ip, "192.168.0.0/16", "10.1.2.3")'),
      ),
    ).toEqual(["192.168.0.1", "10.1.2.3"]);
  });
});

describe("wildcardExamples", () => {
  it("fills stars then drops them", () => {
    expect(wildcardExamples("*\\mofcomp.exe")).toEqual([
      "x\\mofcomp.exe",
      "\\mofcomp.exe",
    ]);
    expect(wildcardExamples("a?c")).toEqual(["abc", "aac"]);
    expect(wildcardExamples("plain")).toEqual(["plain"]);
  });
});

describe("combinedWildcardValues", () => {
  it("meets start, inner and end parts", () => {
    const atoms = [
      atom('process.command_line : "C:\\\\*"'),
      atom('process.command_line : "* +s*"'),
      atom('process.command_line : "*.bat"'),
    ];
    expect(combinedWildcardValues(atoms)).toEqual(["C:\\  +s .bat"]);
  });

  it("rejects clashing starts", () => {
    expect(
      combinedWildcardValues([
        atom('process.name : "a*"'),
        atom('process.name : "b*"'),
      ]),
    ).toEqual([]);
  });

  it("cycles through pattern lists", () => {
    const atoms = [
      atom('process.name like~ ("*a*", "*b*")'),
      atom('process.name : "*c*"'),
    ];
    expect(combinedWildcardValues(atoms)).toEqual([" a c ", " b c "]);
  });
});

describe("nearValues", () => {
  it("changes case, then characters, then length", () => {
    expect(nearValues("a.mof")).toEqual([
      "A.MOF",
      "a.mog",
      "a.mpf",
      "a.nof",
      "axmof",
      "b.mof",
      "a.mofx",
      "xa.mof",
      "",
      absent,
    ]);
  });

  it("moves numbers and flips booleans", () => {
    expect(nearValues(7)).toEqual([8, 6, absent]);
    expect(nearValues(true)).toEqual([false, absent]);
  });
});
