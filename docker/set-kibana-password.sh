#!/usr/bin/env bash
# Sets the password of the built-in kibana_system user, which Kibana uses to
# connect to Elasticsearch. Retries while Elasticsearch is still starting.
set -euo pipefail

: "${ELASTIC_PASSWORD:?ELASTIC_PASSWORD must be set}"
: "${KIBANA_SYSTEM_PASSWORD:?KIBANA_SYSTEM_PASSWORD must be set}"
es_url="${ES_URL:-http://elasticsearch:9200}"
retry_delay="${RETRY_DELAY_SECONDS:-2}"
max_attempts="${MAX_ATTEMPTS:-60}"

# Escape backslashes and double quotes so that any password is valid JSON.
escaped=$(printf '%s' "$KIBANA_SYSTEM_PASSWORD" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')
body="{\"password\":\"${escaped}\"}"

for attempt in $(seq 1 "$max_attempts"); do
  status=$(curl -s -o /dev/null -w '%{http_code}' \
    -u "elastic:${ELASTIC_PASSWORD}" \
    -H 'Content-Type: application/json' \
    -X POST "${es_url}/_security/user/kibana_system/_password" \
    -d "$body" || true)
  if [ "$status" = "200" ]; then
    echo "set the kibana_system password (attempt ${attempt})"
    exit 0
  fi
  echo "attempt ${attempt}/${max_attempts}: ${es_url} returned HTTP ${status}, retrying in ${retry_delay} s"
  sleep "$retry_delay"
done

echo "failed to set the kibana_system password: check ELASTIC_PASSWORD and that ${es_url} is up" >&2
exit 1
