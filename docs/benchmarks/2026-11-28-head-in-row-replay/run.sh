#!/bin/bash
# Replays the adapters' per-delivery statements on one connection for today's schema (A: adapter_head kept by the
# V3/V13 trigger) and for the head of line kept in the delivery row (B: head-in-row.sql), 100,000 deliveries each,
# twice, alternately; prints time and WAL per phase. Needs PostgreSQL on 127.0.0.1:5432 (user postgres); creates and
# leaves the scratch databases exp_a and exp_b. See docs/benchmarks/2026-11-26-findings.md (2026-11-28, 02:23 on).
set -e
cd "$(dirname "$0")"
psql() { command psql -h 127.0.0.1 -U postgres "$@"; }
for i in 1 2; do
  for v in A B; do
    d=exp_${v,,}
    bash setup.sh $d 2>/dev/null
    [ $v = B ] && psql -d $d -q -f head-in-row.sql
    psql -d $d -q -f rounds.sql
    psql -qc "checkpoint"
    for c in $(seq 0 9); do
      psql -d $d -v ON_ERROR_STOP=1 -q -c "set synchronous_commit = off" -c "call run_rounds('$v', 20, $((c * 20 + 1)))"
      # As the adapters do: the relay vacuums adapter_head while it publishes, PlannerStatistics analyzes.
      if [ $v = A ]; then psql -d $d -qc "vacuum (analyze) adapter_head" -c "analyze adapter_delivery"
      else psql -d $d -qc "analyze adapter_delivery"; fi
    done
    psql -d $d -Atc "select '$i', variant, phase, round(sum(seconds)::numeric, 2) as seconds,
        round(sum(wal) / 100000.0) as wal_bytes_a_delivery, sum(n) from exp_result group by 1, 2, 3 order by 3"
  done
done
