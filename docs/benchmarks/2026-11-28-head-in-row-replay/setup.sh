#!/bin/bash
# Creates database $1 with the adapters' migrations V1..V14 applied in order (a scratch database: dropped first).
set -e
M=$(cd "$(dirname "$0")/../../.." && pwd)/agency-adapters/src/main/resources/db/migration
psql -h 127.0.0.1 -U postgres -qc "drop database if exists $1" -c "create database $1"
for v in 1 2 3 4 5 6 7 9 13 14; do
  psql -h 127.0.0.1 -U postgres -d $1 -q -v ON_ERROR_STOP=1 -f $(ls $M/V${v}__*.sql) >/dev/null
done
