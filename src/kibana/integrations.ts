/**
 * Fleet integrations whose process events the rules read, for the rule's
 * `related_integrations`. Kibana checks the installed package version
 * against `version` with a semver range and shows the result in the UI.
 */

/** One element of a Kibana rule's `related_integrations` array. */
export interface RelatedIntegration {
  package: string;
  version: string;
  integration?: string;
}

/** Data sources the rules support, named after their Fleet package. */
export const dataSources = [
  "endpoint",
  "m365_defender",
  "crowdstrike",
  "system",
] as const;

export type DataSource = (typeof dataSources)[number];

// Open-ended ranges, because the packages moved to new majors for Kibana 9.
// m365_defender 2.0.0 reworked the ECS mapping of the event data stream
// (added in 1.6.0), per the package changelog.
// NOTE: the crowdstrike and system lower bounds are estimates, not checked
// against each package's changelog.
const integrations: Record<DataSource, RelatedIntegration> = {
  endpoint: { package: "endpoint", version: ">=8.2.0" },
  m365_defender: { package: "m365_defender", version: ">=2.0.0" },
  crowdstrike: { package: "crowdstrike", version: ">=1.51.0" },
  system: { package: "system", version: ">=1.6.4" },
};

/** Display names for tags and the setup guide. */
export const dataSourceTitles: Record<DataSource, string> = {
  endpoint: "Elastic Defend",
  m365_defender: "Microsoft Defender XDR",
  crowdstrike: "CrowdStrike Falcon Data Replicator",
  system: "Windows Security event 4688 (System integration)",
};

/** Returns the related integrations for the given data sources, in order. */
export function relatedIntegrations(
  sources: readonly DataSource[],
): RelatedIntegration[] {
  return sources.map((source) => ({ ...integrations[source] }));
}
