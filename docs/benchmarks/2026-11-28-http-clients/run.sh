#!/bin/bash
# CPU a request of the JDK's HttpClient and of Apache HttpClient 5's async client, posting 1.2 KB bodies to a local
# JDK HttpServer (run in its own JVM, so only the client's CPU is counted). Eight rounds of 40,000 requests each with
# 64 in flight (conc=1: one at a time); the first rounds include the JIT's warm-up, read the last ones.
# Needs httpclient5 5.5.2, httpcore5(-h2) 5.3.6 and slf4j-api in ~/.m2 (`mvn -q -o -pl agency-adapters package` puts
# them there).
set -euo pipefail
cd "$(dirname "$0")"
M=~/.m2/repository
CP=$M/org/apache/httpcomponents/client5/httpclient5/5.5.2/httpclient5-5.5.2.jar
CP=$CP:$M/org/apache/httpcomponents/core5/httpcore5/5.3.6/httpcore5-5.3.6.jar
CP=$CP:$M/org/apache/httpcomponents/core5/httpcore5-h2/5.3.6/httpcore5-h2-5.3.6.jar
CP=$CP:$M/org/slf4j/slf4j-api/2.0.18/slf4j-api-2.0.18.jar
out=$(mktemp -d)
javac -nowarn -cp "$CP" -d "$out" Server.java Client.java
java -cp "$out" Server & server=$!
trap 'kill $server; rm -rf "$out"' EXIT
sleep 1
conc=${conc:-64}
java -Dconc="$conc" -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -cp "$out:$CP" Client jdk 40000
java -Dconc="$conc" -cp "$out:$CP" Client hc 40000 2 2>/dev/null
