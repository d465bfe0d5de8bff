/**
 * The ECS shape of a Windows process start as each source's Elastic
 * integration writes it: the fields every event of that source carries,
 * before synthesis sets the fields a rule's query reads. The values are
 * placeholders (hosts, users, process ids).
 */
import type { EcsDocument } from "../winlog.js";

/** A source that synthesized events are shaped for. */
export interface SynthesisSource {
  /** `data_stream.dataset`, for example `system.security`. */
  dataset: string;
  /** Short name used in synthesized event ids. */
  label: string;
  /** Fields of a process start from this source, without the data stream. */
  skeleton: () => EcsDocument;
}

const ordinaryUser = {
  id: "S-1-5-21-1111111111-2222222222-3333333333-1104",
  name: "analyst01",
  domain: "EXAMPLE",
};

function processStart(action: string, dataset: string, module: string) {
  return {
    kind: "event",
    category: ["process"],
    type: ["start"],
    action,
    dataset,
    module,
  };
}

/** The four sources, in the order synthesized events rotate through them. */
export const synthesisSources: readonly SynthesisSource[] = [
  {
    dataset: "endpoint.events.process",
    label: "endpoint",
    skeleton: () => ({
      agent: { type: "endpoint" },
      event: processStart("start", "endpoint.events.process", "endpoint"),
      host: {
        name: "ws-synth-01",
        os: { type: "windows", family: "windows", platform: "windows" },
      },
      process: { pid: 6100, parent: { pid: 6000 } },
      user: { ...ordinaryUser },
    }),
  },
  {
    dataset: "m365_defender.event",
    label: "m365",
    skeleton: () => ({
      event: processStart(
        "processcreated",
        "m365_defender.event",
        "m365_defender",
      ),
      host: { name: "ws-synth-02", os: { type: "windows" } },
      m365_defender: {
        event: {
          category: "AdvancedHunting-DeviceProcessEvents",
          action: { type: "ProcessCreated" },
        },
      },
      process: { pid: 6200, parent: { pid: 6010 } },
      user: { ...ordinaryUser },
    }),
  },
  {
    dataset: "crowdstrike.fdr",
    label: "crowdstrike",
    skeleton: () => ({
      event: processStart("ProcessRollup2", "crowdstrike.fdr", "crowdstrike"),
      host: { name: "WS-SYNTH-03", os: { type: "windows" } },
      observer: { vendor: "crowdstrike" },
      crowdstrike: {
        event_platform: "Win",
        event_simpleName: "ProcessRollup2",
      },
      process: { pid: 6300, entity_id: "4100000000000000001" },
      user: { id: ordinaryUser.id, name: ordinaryUser.name },
    }),
  },
  {
    dataset: "system.security",
    label: "security",
    skeleton: () => ({
      agent: { type: "filebeat" },
      event: {
        ...processStart("created-process", "system.security", "system"),
        code: "4688",
        provider: "Microsoft-Windows-Security-Auditing",
        outcome: "success",
      },
      host: { name: "ws-synth-04", os: { type: "windows", family: "windows" } },
      process: { pid: 6400, parent: { pid: 6020 } },
      user: { ...ordinaryUser },
      winlog: {
        channel: "Security",
        event_id: "4688",
        provider_name: "Microsoft-Windows-Security-Auditing",
      },
    }),
  },
];

/** Returns a new process-start document of the source in the given namespace. */
export function sourceDocument(
  source: SynthesisSource,
  namespace: string,
): EcsDocument {
  return {
    "@timestamp": "2025-01-01T00:00:00.000Z",
    ecs: { version: "8.11.0" },
    data_stream: { type: "logs", dataset: source.dataset, namespace },
    ...source.skeleton(),
  };
}
