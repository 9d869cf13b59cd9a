# One image per application: docker build --build-arg MODULE=gateway|agency-adapters|agency-simulator .
# Build stage: the module and what it depends on (notifier-core), tests skipped: `mvn -B verify` runs them.
ARG MODULE=gateway

FROM maven:3.9-eclipse-temurin-17 AS build
ARG MODULE
WORKDIR /src
COPY . .
RUN case "$MODULE" in gateway|agency-adapters|agency-simulator) ;; \
        *) echo "MODULE must be gateway, agency-adapters or agency-simulator, not '$MODULE'" >&2; exit 1 ;; esac \
    && mvn -B -q -pl "$MODULE" -am package -DskipTests \
    && mkdir -p /out \
    && cp "$(ls "$MODULE"/target/"$MODULE"-*.jar | grep -v -e '-tests.jar$' -e '-sources.jar$' | head -n 1)" /out/app.jar

FROM eclipse-temurin:17-jre
ARG MODULE
# curl serves the compose health checks; the drop directory is created here so a fresh named volume mounted on it
# starts out owned by the unprivileged user that both the adapters and the simulator run as.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app tongbao \
    && mkdir -p /app /var/tongbao/drop \
    && chown -R tongbao /app /var/tongbao
WORKDIR /app
COPY --from=build /out/app.jar /app/app.jar
LABEL org.opencontainers.image.title="tongbao-${MODULE}"
USER tongbao
# Memory: the heap gets 45 % of the container's limit, the rest is for what a Spring Boot JVM needs besides
# (metaspace, code cache, threads, ~200 MB measured); native memory the JIT frees is handed back every 5 s, and two
# malloc arenas keep what glibc holds on to small. In a 512 MB container that is a 230 MB heap, and the JVM picks
# the serial collector by itself (README "Docker", bench/README.md).
ENV MALLOC_ARENA_MAX=2
ENV JAVA_OPTS="-XX:MaxRAMPercentage=45 -XX:TrimNativeHeapInterval=5000"
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/app.jar \"$@\"", "--"]
