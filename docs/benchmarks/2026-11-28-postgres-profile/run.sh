#!/bin/bash
# Where PostgreSQL's CPU goes while the benchmark runs a step: records every CPU's stacks with perf for 25 s once the
# step's load is under way (20 s after the step starts: its tokens are signed first), then prints PostgreSQL's share of
# the machine's samples and how its own samples divide (inclusive: a function's share counts what it calls).
# Needs perf (Debian: linux-perf) and the packaged jars (`mvn -q -pl notifier-core,agency-adapters,gateway,bench
# package -DskipTests`); runs as root. Arguments go to the benchmark, e.g. `--rates 300 --duration 60`.
# See docs/benchmarks/2026-11-26-findings.md (2026-11-28, 12:26 on).
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mvn -B -q -pl bench dependency:build-classpath -Dmdep.outputFile="$out/cp"
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--rates 300 --duration 60 --warmup 60 --jit-settle 120)
java -Xmx1g -Djava.awt.headless=true -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 \
    -classpath "bench/target/classes:$(cat "$out/cp")" tw.tongbao.bench.Bench --perftest-seconds 0 --backlog 0 \
    --output "$out" "${args[@]}" > "$out/bench.log" 2>&1 &
bench=$!
until grep -qs ' step ' "$out/bench.log"; do
    kill -0 $bench 2>/dev/null || { cat "$out/bench.log"; exit 1; }
    sleep 2
done
sleep 20
perf record -F 299 -a -g -o "$out/perf.data" -- sleep 25 2> /dev/null
wait $bench
grep -- '→' "$out/bench.log"
echo "PostgreSQL's share of the machine's samples:"
perf report -i "$out/perf.data" --no-children --sort comm --stdio -g none 2>/dev/null | grep -E ' postgres *$'
echo "Within PostgreSQL (inclusive, % of the machine's samples; divide by the share above):"
perf report -i "$out/perf.data" --children --comm postgres --stdio -g none --sort sym 2>/dev/null |
    grep -E ' (PortalRun|standard_ExecutorStart|plpgsql_call_handler|AfterTriggerEndQuery|ExecInsertIndexTuples|index_getnext_slot|CommitTransactionCommand|XLogFlush|pg_plan_queries|epoll_wait|__send|pq_getbyte)$'
