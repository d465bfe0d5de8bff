import { describe, expect, it } from "vitest";
import {
  compileQuery,
  compileRuleSet,
  type EngineOptions,
  schemaFromMapping,
} from "../../../src/eql/engine/index.js";
import { EqlVerificationError } from "../../../src/eql/errors.js";

interface TestEvent {
  id: number;
  [field: string]: unknown;
}

function process(id: number, fields: Record<string, unknown>): TestEvent {
  return { id, "@timestamp": id, event: { category: ["process"] }, ...fields };
}

/** Ids of the events an event query returns, in result order. */
function ids(
  query: string,
  events: TestEvent[],
  options: EngineOptions = {},
): number[] {
  const run = compileQuery(query, { size: 100, ...options }).run<null>();
  for (const event of events) run.push(event, null);
  const result = run.finish();
  if (result.kind !== "events") throw new Error("not an event query");
  return result.events.map((hit) => (hit.source as TestEvent).id);
}

function verificationMessage(
  query: string,
  options: EngineOptions = {},
): string {
  try {
    compileQuery(query, options);
  } catch (error) {
    expect(error).toBeInstanceOf(EqlVerificationError);
    return (error as Error).message;
  }
  throw new Error(`no error for ${query}`);
}

const names = [
  process(1, { process: { name: "mofcomp.exe" } }),
  process(2, { process: { name: "MOFCOMP.EXE" } }),
  process(3, { process: { name: "MofComp.exe" } }),
  process(4, {}),
  process(5, { process: { name: "mofcomp*exe" } }),
];

describe("compileQuery case rules", () => {
  it("matches == case-sensitively", () => {
    expect(ids('process where process.name == "mofcomp.exe"', names)).toEqual([
      1,
    ]);
  });

  it("matches : case-insensitively", () => {
    expect(ids('process where process.name : "mofcomp.exe"', names)).toEqual([
      1, 2, 3,
    ]);
  });

  it("matches in case-sensitively", () => {
    expect(
      ids('process where process.name in ("MOFCOMP.EXE", "x")', names),
    ).toEqual([2]);
  });

  it("matches in~ case-insensitively", () => {
    expect(
      ids('process where process.name in~ ("MOFCOMP.EXE", "x")', names),
    ).toEqual([1, 2, 3]);
  });

  it("matches like case-sensitively", () => {
    expect(ids('process where process.name like "Mof*"', names)).toEqual([3]);
  });

  it("matches like~ case-insensitively", () => {
    expect(ids('process where process.name like~ "mof*.EXE"', names)).toEqual([
      1, 2, 3,
    ]);
  });

  it("matches regex case-sensitively", () => {
    expect(
      ids('process where process.name regex "[Mm]of[Cc]omp\\\\.exe"', names),
    ).toEqual([1, 3]);
  });

  it("matches regex~ case-insensitively", () => {
    expect(
      ids('process where process.name regex~ "mofcomp\\\\.exe"', names),
    ).toEqual([1, 2, 3]);
  });

  it("matches functions with and without ~", () => {
    expect(ids('process where endsWith(process.name, ".exe")', names)).toEqual([
      1, 3,
    ]);
    expect(ids('process where endsWith~(process.name, ".exe")', names)).toEqual(
      [1, 2, 3],
    );
  });
});

describe("compileQuery wildcards and regex", () => {
  it("treats * and ? as wildcards in :", () => {
    expect(ids('process where process.name : "m?fcomp.*"', names)).toEqual([
      1, 2, 3,
    ]);
    expect(ids('process where process.name : "m?fcomp?exe"', names)).toEqual([
      1, 2, 3, 5,
    ]);
  });

  it("treats * literally in ==", () => {
    expect(ids('process where process.name == "mofcomp*exe"', names)).toEqual([
      5,
    ]);
  });

  it("keeps backslashes literal in wildcards", () => {
    const paths = [
      process(1, {
        process: { executable: "C:\\Windows\\System32\\wbem\\mofcomp.exe" },
      }),
      process(2, {
        process: { executable: "C:/Windows/System32/wbem/mofcomp.exe" },
      }),
    ];
    expect(
      ids('process where process.executable : "*\\\\wbem\\\\*"', paths),
    ).toEqual([1]);
  });

  it("anchors regex to the whole value", () => {
    expect(ids('process where process.name regex "comp"', names)).toEqual([]);
    expect(ids('process where process.name regex ".*comp.*"', names)).toEqual([
      1, 5,
    ]);
  });

  it("reads Lucene regex syntax", () => {
    const events = [
      process(1, { process: { name: "a^b" } }),
      process(2, { process: { name: "ab" } }),
    ];
    expect(ids('process where process.name regex "a^b"', events)).toEqual([1]);
    expect(ids('process where process.name regex "a@"', events)).toEqual([
      1, 2,
    ]);
  });
});

describe("compileQuery missing fields", () => {
  it("excludes missing fields from ==", () => {
    expect(ids('process where process.name == "x"', names)).toEqual([]);
  });

  it("includes missing fields in !=", () => {
    expect(ids('process where process.name != "mofcomp.exe"', names)).toEqual([
      2, 3, 4, 5,
    ]);
  });

  it("includes missing fields in not in", () => {
    expect(
      ids('process where process.name not in ("mofcomp.exe")', names),
    ).toEqual([2, 3, 4, 5]);
  });

  it("flips negated ranges before matching", () => {
    const events = [process(1, { process: { pid: 4 } }), process(2, {})];
    expect(ids("process where not process.pid > 10", events)).toEqual([1]);
  });

  it("keeps scripts false under not", () => {
    expect(ids("process where not length(process.name) > 100", names)).toEqual([
      1, 2, 3, 5,
    ]);
  });

  it("tests missing fields with == null", () => {
    expect(ids("process where process.name == null", names)).toEqual([4]);
    expect(ids("process where process.name != null", names)).toEqual([
      1, 2, 3, 5,
    ]);
  });
});

describe("compileQuery arrays and objects", () => {
  const events = [
    process(1, { process: { args: ["mofcomp.exe", "C:\\evil.MOF"] } }),
    process(2, { process: { args: ["mofcomp.exe", "x.mfl"] } }),
    process(3, { "process.args": ["y.mof"] }),
    process(4, { process: [{ args: "z.mof" }, { args: "w" }] }),
  ];

  it("matches any element of an array", () => {
    expect(ids('process where process.args : "*.mof"', events)).toEqual([
      1, 3, 4,
    ]);
  });

  it("reads dotted keys and arrays of objects", () => {
    expect(ids('process where process.args == "w"', events)).toEqual([4]);
  });

  it("matches category arrays", () => {
    const multi = [
      { id: 1, "@timestamp": 1, event: { category: ["network", "process"] } },
    ];
    expect(ids("process where true", multi)).toEqual([1]);
    expect(ids("file where true", multi)).toEqual([]);
  });
});

describe("compileQuery numbers and strings", () => {
  const mapping = {
    properties: {
      pid: { type: "long" },
      ratio: { type: "double" },
      name: { type: "keyword" },
      text: { type: "text" },
      "event.category": { type: "keyword" },
    },
  };
  const events = [
    {
      id: 1,
      "@timestamp": 1,
      event: { category: "process" },
      pid: 4,
      ratio: 1.5,
      name: "10",
    },
    {
      id: 2,
      "@timestamp": 2,
      event: { category: "process" },
      pid: "12",
      ratio: 3,
      name: 9,
    },
  ];
  const schema = schemaFromMapping(mapping);

  it("coerces strings in numeric fields", () => {
    expect(ids("process where pid > 10", events, { schema })).toEqual([2]);
  });

  it("indexes numbers in keyword fields as strings", () => {
    expect(ids('process where name == "9"', events, { schema })).toEqual([2]);
  });

  it("divides integers like Java", () => {
    expect(ids("process where pid / 3 == 1", events, { schema })).toEqual([1]);
    expect(ids("process where pid / 3.0 == 4", events, { schema })).toEqual([
      2,
    ]);
  });

  it("rejects strings compared with numbers", () => {
    expect(verificationMessage('process where pid == "4"', { schema })).toBe(
      'line 1:15: cannot compare pid (integer) with "4" (string) using ==',
    );
  });

  it("rejects : on numeric fields", () => {
    expect(verificationMessage('process where pid : "4"', { schema })).toBe(
      "line 1:15: the : operator compares strings, but the field pid is an integer; use == for other types",
    );
  });

  it("rejects text fields in comparisons", () => {
    expect(verificationMessage('process where text == "a"', { schema })).toBe(
      "line 1:15: field text is of type text, which EQL cannot compare exactly: map it as keyword or add a keyword sub-field",
    );
  });

  it("rejects comparing two fields", () => {
    expect(verificationMessage("process where pid == ratio", { schema })).toBe(
      "line 1:15: cannot compare pid with ratio: Elasticsearch EQL compares fields only with constants",
    );
  });
});

describe("compileQuery optional fields", () => {
  const events = [process(1, { a: 1 }), process(2, {})];
  const schema = schemaFromMapping({ properties: {} }, events);

  it("treats unknown optional fields as null", () => {
    expect(ids("process where ?b == null", events, { schema })).toEqual([1, 2]);
    expect(ids("process where ?b == 1", events, { schema })).toEqual([]);
  });

  it("reads known optional fields", () => {
    expect(ids("process where ?a == 1", events, { schema })).toEqual([1]);
  });

  it("rejects unknown fields", () => {
    expect(verificationMessage("process where b == 1", { schema })).toBe(
      "line 1:15: unknown field b: the index has no such field; check the name, or write ?b to treat it as optional",
    );
  });
});

describe("compileQuery pipes and order", () => {
  const events = [3, 1, 2, 5, 4].map((id) => process(id, {}));

  it("returns events in timestamp order", () => {
    expect(ids("process where true", events)).toEqual([1, 2, 3, 4, 5]);
  });

  it("applies head and tail", () => {
    expect(ids("process where true | head 2", events)).toEqual([1, 2]);
    expect(ids("process where true | tail 2", events)).toEqual([4, 5]);
    expect(ids("process where true | head 4 | tail 1", events)).toEqual([4]);
  });

  it("limits to size", () => {
    expect(ids("process where true", events, { size: 3 })).toEqual([1, 2, 3]);
    expect(ids("process where true | tail 5", events, { size: 3 })).toEqual([
      3, 4, 5,
    ]);
  });
});

describe("compileRuleSet", () => {
  it("evaluates every rule per event", () => {
    const set = compileRuleSet([
      'process where process.name : "mofcomp.exe"',
      'process where process.name == "MOFCOMP.EXE"',
      "file where true",
    ]);
    expect(names.map((event) => set.matching(event))).toEqual([
      [true, false, false],
      [true, true, false],
      [true, false, false],
      [false, false, false],
      [false, false, false],
    ]);
  });

  it("reads changed events afresh", () => {
    const set = compileRuleSet(['process where process.name == "a"']);
    const event = process(1, { process: { name: "a" } });
    expect(set.matching(event)).toEqual([true]);
    (event.process as { name: string }).name = "b";
    expect(set.matching(event)).toEqual([false]);
  });
});

describe("compileQuery regex gaps", () => {
  const events = [process(1, { process: { name: "ab" } })];

  it.fails("matches regex intersection", () => {
    expect(ids('process where process.name regex "a.*&.*b"', events)).toEqual([
      1,
    ]);
  });

  it.fails("matches wide numeric intervals", () => {
    const numbers = [process(1, { process: { name: "123456" } })];
    expect(
      ids('process where process.name regex "<1-999999>"', numbers),
    ).toEqual([1]);
  });
});

describe("compileQuery list types", () => {
  const schema = schemaFromMapping({ properties: { pid: { type: "long" } } });

  it("rejects strings in a numeric list", () => {
    expect(verificationMessage('any where pid in (1, "2")', { schema })).toBe(
      'line 1:22: cannot look up pid (integer) in a list holding "2" (string)',
    );
  });
});

describe("compileQuery wildcard characters", () => {
  const events = [
    process(1, { process: { command_line: "x -InstanceId 4624 (a|b) [c]" } }),
  ];

  it("keeps regex syntax literal", () => {
    expect(
      ids('process where process.command_line : "*-InstanceId 462?*"', events),
    ).toEqual([1]);
    expect(
      ids('process where process.command_line : "*(a|b) [c]"', events),
    ).toEqual([1]);
    expect(
      ids(
        'process where process.command_line like ("*-Instance*", "*[c]")',
        events,
      ),
    ).toEqual([1]);
  });
});
