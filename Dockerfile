# streamlearn's container image: the shaded jar on a Java 17 JRE, run as a non-root user.
#
#   docker build -t streamlearn .
#   docker run --rm streamlearn --help
#   docker run -e STREAMLEARN_BOOTSTRAP_SERVERS=broker:9092 -p 8080:8080 streamlearn   # the learner, API on :8080
#
# The default command runs the learner with the tutorial's models (examples/tutorial.yaml, baked in
# at /etc/streamlearn/streamlearn.yaml: mount another file there to change them), serves the HTTP API,
# /metrics and the dashboard on 0.0.0.0:8080, and keeps Kafka Streams' state under the volume
# /var/lib/streamlearn. Any other command runs as well: `docker run streamlearn produce --help`.
# docker-compose.yml and deploy/kubernetes/ use this image; DeploymentFilesTest checks what they
# rely on here (user, port, health check, state directory).

# Build: Maven on JDK 17, the same command as README's (tests run in CI, not here).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY schemas schemas
COPY src/main src/main
# The cache mount (BuildKit, Docker's default builder) keeps Maven's downloads between builds.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests package

# Run: Temurin's JRE 17 on Ubuntu 24.04 ("noble"), which ships curl (used by the health check).
FROM eclipse-temurin:17-jre-noble
RUN groupadd --system --gid 10001 streamlearn \
    && useradd --system --uid 10001 --gid streamlearn --home-dir /var/lib/streamlearn --no-create-home \
       --shell /usr/sbin/nologin streamlearn \
    && mkdir -p /app /etc/streamlearn /var/lib/streamlearn/state \
    && chown -R streamlearn:streamlearn /var/lib/streamlearn
COPY --from=build /src/target/streamlearn.jar /app/streamlearn.jar
COPY examples/tutorial.yaml /etc/streamlearn/streamlearn.yaml
# Class data sharing (AppCDS): the classes a start loads, parsed and verified once here, by a run of
# the demo (its own embedded broker, no network), and mapped by every start after: the learner is
# RUNNING in about 2.5 s instead of 3.9 on 2 cores (BENCHMARKS.md "Start-up with a class archive").
# Made by this image's JVM, which alone can use it; a JVM that cannot starts without it.
RUN java -XX:ArchiveClassesAtExit=/app/streamlearn.jsa -Xlog:cds=off -jar /app/streamlearn.jar demo >/dev/null \
    && rm -rf /tmp/streamlearn-*

# Kafka Streams' local state (RocksDB stores, checkpoints): keep it across restarts so a restart
# restores only what changed, not the whole changelog.
VOLUME ["/var/lib/streamlearn"]
EXPOSE 8080
USER 10001:10001
WORKDIR /var/lib/streamlearn

# /health answers 200 while Kafka Streams is RUNNING, 503 while it starts or rebalances (README,
# "Observe it"). Only the default command serves HTTP: compose's feed service disables the check.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8080/health || exit 1

ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/streamlearn.jsa", "-jar", "/app/streamlearn.jar"]
CMD ["run", "--config", "/etc/streamlearn/streamlearn.yaml", "--http-host", "0.0.0.0", "--http-port", "8080", \
     "--set", "stateDir=/var/lib/streamlearn/state"]
