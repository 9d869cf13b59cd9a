#!/bin/bash
# CPU a request of three HTTP servers answering the benchmark's agency posts (read the 1.2 KB body, answer 200): the
# JDK's HttpServer (the sinks until 2026-11-28), HttpCore 5's blocking server and its non-blocking one (the sinks
# since). Each server runs in its own JVM, so only its CPU is counted; the client is Apache HttpClient 5's async client
# (../2026-11-28-http-clients/Client.java), eight rounds of 40,000 posts with 64 in flight (conc=4: four).
# The server prints its CPU a request every 40,000 requests; the first rounds include the JIT's warm-up, read the last.
# Needs httpclient5 5.5.2, httpcore5(-h2) 5.3.6 and slf4j-api in ~/.m2 (`mvn -q -o -pl bench package` puts them there).
set -euo pipefail
cd "$(dirname "$0")"
M=~/.m2/repository
CP=$M/org/apache/httpcomponents/client5/httpclient5/5.5.2/httpclient5-5.5.2.jar
CP=$CP:$M/org/apache/httpcomponents/core5/httpcore5/5.3.6/httpcore5-5.3.6.jar
CP=$CP:$M/org/apache/httpcomponents/core5/httpcore5-h2/5.3.6/httpcore5-h2-5.3.6.jar
CP=$CP:$M/org/slf4j/slf4j-api/2.0.18/slf4j-api-2.0.18.jar
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
javac -nowarn -cp "$CP" -d "$out" SinkServer.java ../2026-11-28-http-clients/Client.java
conc=${conc:-64}
port=18200
for kind in jdk classic async; do
    port=$((port + 1))
    java -Dport=$port -Xmx256m -cp "$out:$CP" SinkServer "$kind" 40000 & server=$!
    sleep 1.5
    java -Dport=$port -Dconc="$conc" -cp "$out:$CP" Client hc 40000 2 2>/dev/null | tail -1
    kill $server
    wait $server 2>/dev/null || true
done
