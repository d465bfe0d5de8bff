/**
 * Index templates for the data streams that live verification writes to, one
 * per source. The field types come from the Elastic Common Schema in
 * `@elastic/ecs` (keyword, wildcard, date, ip, long, ...), so Elasticsearch
 * types each field as Elastic's integrations do. EQL cannot search `text`
 * fields, so no field is mapped as `text`.
 */
import { EcsFlat, EcsVersion } from "@elastic/ecs";

/** A source whose process events the rules read, and its data stream dataset. */
export interface SourceDataset {
  /** The vendor or product, as users know it. */
  source: string;
  /** `data_stream.dataset` and `event.dataset` of the integration. */
  dataset: string;
}

/** The four sources the detections cover, as Elastic's integrations name them. */
export const sourceDatasets: readonly SourceDataset[] = [
  { source: "Elastic Defend", dataset: "endpoint.events.process" },
  { source: "Microsoft Defender XDR", dataset: "m365_defender.event" },
  { source: "CrowdStrike Falcon Data Replicator", dataset: "crowdstrike.fdr" },
  { source: "Windows Security event log", dataset: "system.security" },
];

/**
 * Priority of the verification templates. Elastic's built-in `logs-*-*`
 * template has priority 100 and Fleet's integration templates up to 200,
 * and Elastic's docs ask templates that overlap them to use more than 500.
 * Elasticsearch rejects two overlapping templates of equal priority, so
 * this avoids 500 and 501, the values of the docs' examples, which users'
 * own `logs-*` templates are likely to have.
 */
export const templatePriority = 800;

/** ECS defines more fields than Elasticsearch's default limit of 1,000. */
const totalFieldsLimit = 10_000;

export type FieldMapping = Record<string, unknown> & { type?: string };

export interface IndexTemplate {
  /** Template name, for `PUT _index_template/<name>`. */
  name: string;
  /** Data stream the template creates, `logs-<dataset>-<namespace>`. */
  dataStream: string;
  body: {
    index_patterns: string[];
    data_stream: Record<string, never>;
    priority: number;
    template: {
      settings: Record<string, unknown>;
      mappings: {
        dynamic_templates: Array<Record<string, unknown>>;
        properties: Record<string, FieldMapping>;
      };
    };
    _meta: Record<string, string>;
  };
}

/** Returns `logs-<dataset>-<namespace>`, the data stream naming scheme. */
export function dataStreamName(dataset: string, namespace: string): string {
  return `logs-${dataset}-${namespace}`;
}

/**
 * Builds the index templates of the four sources for one namespace. The
 * pattern names only that namespace's data stream, so that the templates
 * never apply to the real data streams of a cluster.
 */
export function buildIndexTemplates(namespace: string): IndexTemplate[] {
  const properties = ecsProperties();
  return sourceDatasets.map(({ source, dataset }) => {
    const dataStream = dataStreamName(dataset, namespace);
    return {
      name: `detections-verify-${dataset}-${namespace}`,
      dataStream,
      body: {
        index_patterns: [dataStream],
        data_stream: {},
        priority: templatePriority,
        template: {
          settings: {
            "index.mapping.total_fields.limit": totalFieldsLimit,
            // Throwaway verification data needs no replica.
            "index.number_of_replicas": 0,
          },
          mappings: {
            dynamic_templates: [keywordStringsTemplate],
            properties,
          },
        },
        _meta: {
          description: `${source} process events for live rule verification`,
          managed_by: "mofcomp-detections",
          ecs_version: EcsVersion,
        },
      },
    };
  });
}

/**
 * Maps string fields outside ECS (`winlog.event_data.*` and the like) to
 * keyword, as Elastic's `ecs@mappings` does, instead of Elasticsearch's
 * default `text` with a keyword sub-field.
 */
const keywordStringsTemplate = {
  strings_as_keyword: {
    match_mapping_type: "string",
    mapping: { type: "keyword", ignore_above: 1024 },
  },
};

/** Builds the nested `properties` tree of every ECS field. */
export function ecsProperties(): Record<string, FieldMapping> {
  const root: Record<string, FieldMapping> = {};
  const names = Object.keys(EcsFlat).sort();
  for (const name of names) {
    const field = EcsFlat[name as keyof typeof EcsFlat] as EcsField;
    insertField(root, name.split("."), toMapping(field));
  }
  return root;
}

interface EcsField {
  flat_name: string;
  type: string;
  ignore_above?: number;
  scaling_factor?: number;
  index?: boolean;
  doc_values?: boolean;
  multi_fields?: Array<{ name: string; type: string }>;
}

/** Converts one ECS field definition into an Elasticsearch field mapping. */
function toMapping(field: EcsField): FieldMapping {
  const mapping: FieldMapping = { type: field.type };
  if (field.ignore_above !== undefined) {
    mapping.ignore_above = field.ignore_above;
  }
  if (field.scaling_factor !== undefined) {
    mapping.scaling_factor = field.scaling_factor;
  }
  if (field.index === false) mapping.index = false;
  if (field.doc_values === false) mapping.doc_values = false;
  if (field.multi_fields && field.multi_fields.length > 0) {
    mapping.fields = Object.fromEntries(
      field.multi_fields.map((multi) => [multi.name, { type: multi.type }]),
    );
  }
  return mapping;
}

/**
 * Inserts a field at its dotted path. Parent objects get `properties`; a
 * parent that ECS defines itself (`nested` or `object`) keeps its type.
 */
function insertField(
  root: Record<string, FieldMapping>,
  path: string[],
  mapping: FieldMapping,
): void {
  let level = root;
  for (const segment of path.slice(0, -1)) {
    const parent = (level[segment] ??= {});
    parent.properties ??= {};
    level = parent.properties as Record<string, FieldMapping>;
  }
  const leaf = path[path.length - 1] ?? "";
  const existing = level[leaf];
  level[leaf] = existing
    ? { ...mapping, ...existing, type: mapping.type }
    : mapping;
}
