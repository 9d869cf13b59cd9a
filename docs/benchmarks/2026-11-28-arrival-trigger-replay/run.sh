#!/bin/bash
# Replays the adapters' per-delivery statements on one connection (the rounds of ../2026-11-28-head-in-row-replay:
# 500 arrivals inserted in one statement, claimed, settled) for the schema up to V14 (A: the head of line of arrivals
# kept by a row trigger) and with V15 (C: by a statement trigger), 100,000 deliveries each, twice, alternately; prints
# time and WAL per phase. Needs PostgreSQL on 127.0.0.1:5432 (user postgres); creates and drops the scratch databases
# exp_a and exp_c. See docs/benchmarks/2026-11-26-findings.md (2026-11-28, 14:30 on).
set -e
cd "$(dirname "$0")"
replay=../2026-11-28-head-in-row-replay
v15=$(ls ../../../agency-adapters/src/main/resources/db/migration/V15__*.sql)
psql() { command psql -h 127.0.0.1 -U postgres "$@"; }
for i in 1 2; do
  for v in A C; do
    d=exp_${v,,}
    bash $replay/setup.sh $d 2>/dev/null
    [ $v = C ] && psql -d $d -q -v ON_ERROR_STOP=1 -f "$v15"
    # The rounds' variant A statements, run for C as well: only the trigger differs.
    sed "s/p_variant = 'A'/p_variant IN ('A', 'C')/g" $replay/rounds.sql | psql -d $d -q -v ON_ERROR_STOP=1
    psql -qc "checkpoint"
    for c in $(seq 0 9); do
      psql -d $d -v ON_ERROR_STOP=1 -q -c "set synchronous_commit = off" -c "call run_rounds('$v', 20, $((c * 20 + 1)))"
      # As the adapters do: the relay vacuums adapter_head while it publishes, PlannerStatistics analyzes.
      psql -d $d -qc "vacuum (analyze) adapter_head" -c "analyze adapter_delivery"
    done
    psql -d $d -Atc "select '$i', variant, phase, round(sum(seconds)::numeric, 2) as seconds,
        round(sum(wal) / 100000.0) as wal_bytes_a_delivery, sum(n) from exp_result group by 1, 2, 3 order by 3"
  done
done
psql -qc "drop database exp_a" -c "drop database exp_c"
