import { describe, expect, it } from "vitest";
import {
  compileQuery,
  type EngineOptions,
} from "../../../src/eql/engine/index.js";
import { SequenceMatcher } from "../../../src/eql/engine/sequence.js";
import type { CompiledStage } from "../../../src/eql/engine/stage.js";

interface TestEvent {
  id: number;
  "@timestamp": number;
  event: { category: string };
  [field: string]: unknown;
}

/** An event of category `category`, at second `id` unless `at` is given. */
function event(
  id: number,
  category: string,
  fields: Record<string, unknown> = {},
  at = id * 1000,
): TestEvent {
  return { id, "@timestamp": at, event: { category }, ...fields };
}

/** Ids of each returned sequence or sample; 0 marks a missing event. */
function groups(
  query: string,
  events: TestEvent[],
  options: EngineOptions = {},
): number[][] {
  const run = compileQuery(query, { size: 100, ...options }).run<null>();
  for (const item of events) run.push(item, null);
  const result = run.finish();
  if (result.kind === "events") throw new Error("not a sequence or sample");
  const found = result.kind === "sequences" ? result.sequences : result.samples;
  return found.map((group) =>
    group.events.map((hit) => (hit ? (hit.source as TestEvent).id : 0)),
  );
}

describe("sequence queries", () => {
  it("keeps one pending sequence per stage", () => {
    const events = [
      event(1, "a"),
      event(2, "a"),
      event(3, "b"),
      event(4, "b"),
      event(5, "c"),
    ];
    expect(
      groups("sequence [a where true] [b where true] [c where true]", events),
    ).toEqual([[2, 3, 5]]);
  });

  it("lets one event start and end sequences", () => {
    const events = [1, 2, 3, 4].map((id) => event(id, "a"));
    expect(groups("sequence [a where true] [a where true]", events)).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
  });

  it("joins by shared and stage keys", () => {
    const events = [
      event(1, "a", { user: "x", pid: 1 }),
      event(2, "a", { user: "y", pid: 1 }),
      event(3, "b", { user: "y", ppid: 1 }),
      event(4, "b", { user: "x", ppid: 2 }),
      event(5, "b", { user: "x", ppid: 1 }),
    ];
    const query =
      "sequence by user [a where true] by pid [b where true] by ppid";
    expect(groups(query, events)).toEqual([
      [1, 5],
      [2, 3],
    ]);
  });

  it("needs non-optional join keys", () => {
    const events = [event(1, "a"), event(2, "b")];
    expect(
      groups("sequence by user [a where true] [b where true]", events),
    ).toEqual([]);
    expect(
      groups("sequence by ?user [a where true] [b where true]", events),
    ).toEqual([[1, 2]]);
  });

  it("rejects steps beyond maxspan", () => {
    const events = [
      event(1, "a"),
      event(2, "b"),
      event(10, "a"),
      event(20, "b"),
    ];
    const query = "sequence with maxspan=5s [a where true] [b where true]";
    expect(groups(query, events)).toEqual([[1, 2]]);
  });

  it("accepts a step exactly at maxspan", () => {
    const events = [event(1, "a"), event(6, "b")];
    const query = "sequence with maxspan=5s [a where true] [b where true]";
    expect(groups(query, events)).toEqual([[1, 6]]);
  });

  it("drops sequences an until event falls inside", () => {
    const events = [
      event(1, "a", { pid: 1 }),
      event(2, "stop", { pid: 1 }),
      event(3, "b", { pid: 1 }),
      event(4, "a", { pid: 2 }),
      event(5, "b", { pid: 2 }),
      event(6, "stop", { pid: 2 }),
    ];
    const query =
      "sequence by pid [a where true] [b where true] until [stop where true]";
    expect(groups(query, events)).toEqual([[4, 5]]);
  });

  it("repeats a stage with runs", () => {
    const events = [event(1, "a"), event(2, "a"), event(3, "b")];
    expect(
      groups("sequence [a where true] with runs=2 [b where true]", events),
    ).toEqual([[1, 2, 3]]);
  });

  it("returns sequences by first event", () => {
    const events = [
      event(1, "a", { k: 2 }),
      event(2, "a", { k: 1 }),
      event(3, "b", { k: 1 }),
      event(4, "b", { k: 2 }),
    ];
    expect(
      groups("sequence by k [a where true] [b where true]", events),
    ).toEqual([
      [1, 4],
      [2, 3],
    ]);
  });

  it("applies head and tail to sequences", () => {
    const events = [1, 2, 3, 4, 5].map((id) => event(id, "a"));
    const query = "sequence [a where true] [a where true]";
    expect(groups(`${query} | head 2`, events)).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(groups(`${query} | tail 1`, events)).toEqual([[4, 5]]);
  });

  it("reports the join keys", () => {
    const run = compileQuery(
      "sequence by user [a where true] by pid [b where true] by pid",
    ).run<null>();
    run.push(event(1, "a", { user: "x", pid: 7 }), null);
    run.push(event(2, "b", { user: "x", pid: 7 }), null);
    const result = run.finish();
    expect(result.kind).toBe("sequences");
    const [sequence] = result.kind === "sequences" ? result.sequences : [];
    expect(sequence?.joinKeys).toEqual(["x", 7]);
  });
});

describe("sequence missing events", () => {
  const tagged = (id: number, tag: string, at = id): TestEvent =>
    event(id, "t", { tag }, at);

  it("rejects a missing event between stages", () => {
    const events = [
      tagged(1, "n"),
      tagged(2, "n"),
      tagged(3, "m"),
      tagged(4, "n"),
    ];
    const query =
      'sequence with maxspan=1s [t where tag == "n"] ![t where tag == "m"] [t where tag == "n"]';
    expect(groups(query, events)).toEqual([[1, 0, 2]]);
  });

  it("rejects a trailing missing event within maxspan", () => {
    const events = [tagged(1, "n"), tagged(3, "m"), tagged(2000, "n")];
    const query =
      'sequence with maxspan=1s [t where tag == "n"] ![t where tag == "m"]';
    expect(groups(query, events)).toEqual([[2000, 0]]);
  });

  it("rejects a leading missing event within maxspan", () => {
    const events = [tagged(1, "m"), tagged(500, "n"), tagged(3000, "n")];
    const query =
      'sequence with maxspan=1s ![t where tag == "m"] [t where tag == "n"]';
    expect(groups(query, events)).toEqual([[0, 3000]]);
  });

  it("needs both edges to reject together", () => {
    const events = [
      tagged(1, "m"),
      tagged(500, "n"),
      tagged(1200, "m"),
      tagged(5000, "n"),
    ];
    const within =
      'sequence with maxspan=2s ![t where tag == "m"] [t where tag == "n"] ![t where tag == "m"]';
    const tooShort = within.replace("2s", "1s");
    expect(groups(within, events)).toEqual([[0, 5000, 0]]);
    expect(groups(tooShort, events)).toEqual([
      [0, 500, 0],
      [0, 5000, 0],
    ]);
  });
});

describe("SequenceMatcher memory", () => {
  it("sweeps sequences older than maxspan", () => {
    const stage = (category: string): CompiledStage => ({
      matches: (source) => (source as TestEvent).event.category === category,
      keys: (source) => [(source as TestEvent).id],
      missing: false,
    });
    const matcher = new SequenceMatcher<null>(
      { stages: [stage("a"), stage("b")], until: null, maxspanMs: 1000 },
      () => {},
    );
    for (let id = 1; id <= 20_000; id++) {
      matcher.push({
        source: event(id, "a"),
        meta: null,
        order: { timestamp: id * 1000, tiebreaker: null, position: id },
      });
    }
    expect(matcher.pendingCount()).toBeLessThanOrEqual(4096);
  });
});

describe("sample queries", () => {
  it("groups events by key in any order", () => {
    const events = [
      event(1, "b", { host: "h2" }),
      event(2, "a", { host: "h1" }),
      event(3, "a", { host: "h2" }),
      event(4, "b", { host: "h1" }),
      event(5, "a", { host: "h3" }),
    ];
    expect(
      groups("sample by host [a where true] [b where true]", events),
    ).toEqual([
      [2, 4],
      [3, 1],
    ]);
  });

  it("returns up to the samples per key", () => {
    const events = [
      event(1, "a", { h: 1 }),
      event(2, "a", { h: 1 }),
      event(3, "b", { h: 1 }),
      event(4, "b", { h: 1 }),
    ];
    const query = "sample by h [a where true] [b where true]";
    expect(groups(query, events, { maxSamplesPerKey: 2 })).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });
});

describe("sequence missing-event gaps", () => {
  it.fails("chains leading stages past the history limit", () => {
    const events = [event(1, "a"), event(2, "b")];
    for (let id = 3; id <= 70; id++) events.push(event(id, "a"));
    events.push(event(71, "p"));
    const query = "sequence ![a where true] ![b where true] [p where true]";
    expect(groups(query, events)).toEqual([]);
  });
});
