import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  dataStreamOf,
  EventFileError,
  getField,
  type LoadedEvent,
  parseEventArray,
  parseEventLine,
  readEventFile,
  readEventLines,
} from "../../src/harness/events.js";
import {
  splitSecurityCommandLine,
  splitWindowsCommandLine,
} from "../../src/harness/winlog.js";

const FIXTURES = "test/fixtures/harness";

async function* linesOf(...lines: string[]): AsyncGenerator<string> {
  yield* lines;
}

describe("getField", () => {
  it("reads nested objects", () => {
    expect(getField({ event: { id: "x" } }, "event.id")).toBe("x");
  });

  it("reads dotted keys", () => {
    expect(getField({ "event.id": "x" }, "event.id")).toBe("x");
  });

  it("reads mixed nesting", () => {
    expect(
      getField(
        { process: { "parent.name": "cmd.exe" } },
        "process.parent.name",
      ),
    ).toBe("cmd.exe");
  });

  it("returns undefined when missing", () => {
    expect(getField({ event: { code: "1" } }, "event.id")).toBeUndefined();
    expect(getField({ event: "flat" }, "event.id")).toBeUndefined();
  });
});

describe("dataStreamOf", () => {
  it("joins type, dataset and namespace", () => {
    const document = {
      data_stream: {
        type: "logs",
        dataset: "system.security",
        namespace: "default",
      },
    };
    expect(dataStreamOf(document)).toBe("logs-system.security-default");
  });

  it("returns null without a namespace", () => {
    expect(
      dataStreamOf({ data_stream: { type: "logs", dataset: "x" } }),
    ).toBeNull();
  });
});

describe("parseEventLine", () => {
  it("skips blank lines", () => {
    expect(parseEventLine("  ", "f.ndjson", 3)).toBeNull();
  });

  it("uses the given index", () => {
    const event = parseEventLine('{"event":{"id":"e1"}}', "f.ndjson", 1, {
      index: "my-index",
    });
    expect(event?.index).toBe("my-index");
    expect(event?.id).toBe("e1");
  });

  it("names events without an id by place", () => {
    const event = parseEventLine('{"message":"x"}', "f.ndjson", 7, {
      index: "i",
    });
    expect(event?.id).toBe("f.ndjson:7");
  });

  it("rejects invalid JSON with the line", () => {
    expect(() => parseEventLine("{nope", "f.ndjson", 4)).toThrow(
      EventFileError,
    );
    expect(() => parseEventLine("{nope", "f.ndjson", 4)).toThrow(
      /^f\.ndjson:4: invalid JSON \(.+\)\. NDJSON needs one complete JSON object a line\.$/,
    );
  });

  it("rejects a value that is no object", () => {
    expect(() => parseEventLine("[1]", "f.ndjson", 2)).toThrow(
      "f.ndjson:2: expected a JSON object, got an array. Each event must be one ECS document.",
    );
  });

  it("rejects an event without data stream", () => {
    expect(() => parseEventLine('{"event":{"id":"x"}}', "f.ndjson", 5)).toThrow(
      "f.ndjson:5: the event has no data_stream.type, data_stream.dataset and data_stream.namespace, so its data stream is unknown. Add them, or pass --index to name the index.",
    );
  });
});

describe("readEventLines", () => {
  it("streams events with line numbers", async () => {
    const events = [];
    const lines = linesOf(
      '\uFEFF{"event":{"id":"a"}}',
      "",
      '{"event":{"id":"b"}}',
    );
    for await (const event of readEventLines(lines, "s.ndjson", {
      index: "i",
    })) {
      events.push(event);
    }
    expect(events.map((event) => [event.id, event.line])).toEqual([
      ["a", 1],
      ["b", 3],
    ]);
  });
});

describe("parseEventArray", () => {
  it("numbers elements by position", () => {
    const events = parseEventArray(
      '[{"event":{"id":"a"}},{"event":{"id":"b"}}]',
      "a.json",
      {
        index: "i",
      },
    );
    expect(events.map((event) => [event.id, event.line])).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
  });

  it("rejects an object at the top", () => {
    expect(() => parseEventArray('{"event":{}}', "a.json")).toThrow(
      "a.json: expected a JSON array of event objects.",
    );
  });
});

describe("readEventFile", () => {
  it("reads NDJSON with nested and dotted fields", async () => {
    const events = await readEventFile(`${FIXTURES}/two-events.ndjson`);
    expect(events.map((event) => [event.id, event.index, event.line])).toEqual([
      ["a", "logs-endpoint.events.process-default", 1],
      ["b", "logs-system.security-prod", 3],
    ]);
  });

  it("reads a JSON array", async () => {
    const events = await readEventFile(`${FIXTURES}/two-events.json`);
    expect(events.map((event) => [event.id, event.index])).toEqual([
      ["c", "logs-crowdstrike.fdr-default"],
      ["d", "logs-m365_defender.event-default"],
    ]);
  });

  it("reports the broken line", async () => {
    await expect(readEventFile(`${FIXTURES}/broken.ndjson`)).rejects.toThrow(
      /^test\/fixtures\/harness\/broken\.ndjson:2: invalid JSON/,
    );
  });

  it("reports a missing file", async () => {
    await expect(readEventFile(`${FIXTURES}/absent.ndjson`)).rejects.toThrow(
      /^test\/fixtures\/harness\/absent\.ndjson: cannot read the file \(ENOENT: no such file or directory, open '.+absent\.ndjson'\)\.$/,
    );
  });
});

describe("event fixtures", () => {
  const folder = "test/fixtures/events";

  async function fixtureEvents(source: string): Promise<LoadedEvent[]> {
    const files = readdirSync(`${folder}/${source}`).filter((name) =>
      name.endsWith(".ndjson"),
    );
    const events: LoadedEvent[] = [];
    for (const name of files)
      events.push(...(await readEventFile(`${folder}/${source}/${name}`)));
    return events;
  }

  function argsOf(loaded: LoadedEvent): unknown {
    return getField(loaded.document, "process.args");
  }

  function commandLineOf(loaded: LoadedEvent): string {
    return getField(loaded.document, "process.command_line") as string;
  }

  it("split 4688 command lines like the ingest mapping", async () => {
    for (const loaded of await fixtureEvents("system_security")) {
      expect([loaded.id, argsOf(loaded)]).toEqual([
        loaded.id,
        splitSecurityCommandLine(commandLineOf(loaded)),
      ]);
    }
  });

  it("split argv sources like the ingest mapping", async () => {
    const events = [
      ...(await fixtureEvents("endpoint")),
      ...(await fixtureEvents("crowdstrike")),
    ];
    for (const loaded of events) {
      expect([loaded.id, argsOf(loaded)]).toEqual([
        loaded.id,
        splitWindowsCommandLine(commandLineOf(loaded)),
      ]);
    }
  });

  it("place each source in its data stream", async () => {
    const streams: Record<string, string> = {
      endpoint: "logs-endpoint.events.process-default",
      m365_defender: "logs-m365_defender.event-default",
      crowdstrike: "logs-crowdstrike.fdr-default",
      system_security: "logs-system.security-default",
      missing_fields: "logs-system.security-default",
    };
    for (const [source, stream] of Object.entries(streams)) {
      const indices = new Set(
        (await fixtureEvents(source)).map((loaded) => loaded.index),
      );
      expect([source, [...indices]]).toEqual([source, [stream]]);
    }
  });

  it("list every event in expected.tsv", async () => {
    const ids = readFileSync(`${folder}/expected.tsv`, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((row) => row.split("\t")[0]);
    const sources = [
      "endpoint",
      "m365_defender",
      "crowdstrike",
      "system_security",
      "missing_fields",
    ];
    const events: LoadedEvent[] = [];
    for (const source of sources) events.push(...(await fixtureEvents(source)));
    expect(events.map((loaded) => loaded.id).sort()).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
  });
});
