#!/usr/bin/env bash
# Health check of the Kibana container: exits 0 when GET /api/status reports
# the overall level "available", else 1. It talks HTTP through bash's
# /dev/tcp because bash is the one client every Kibana image variant has:
# the kibana-docker entrypoint is a bash script, while curl is installed
# only in some variants.
set -u

port="${KIBANA_HEALTH_PORT:-5601}"
exec 3<>"/dev/tcp/127.0.0.1/${port}" || exit 1

# HTTP/1.0, so that Kibana sends the body unchunked and closes the connection.
printf 'GET /api/status HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3

# The body's last line may lack a newline, which makes read fail but still
# fill `line`.
line=""
while IFS= read -r -t 5 line <&3 || [ -n "$line" ]; do
  if [[ "$line" == *'"level":"available"'* ]]; then
    exit 0
  fi
  line=""
done
exit 1
