# syntax=docker/dockerfile:1
# One small image per Parley process, each a target of this file:
#   docker build --target gateway    -t parley-gateway .
#   docker build --target worker     -t parley-worker .
#   docker build --target presence   -t parley-presence .
#   docker build --target migrations -t parley-migrations .
# (docker compose builds all four.) deploy/README.md describes each image.

# --- deps: every module's pom, and what they need from Maven Central ----------------------
# Only the poms are copied, so this layer is rebuilt when a pom changes, not when code does.
# go-offline-maven-plugin (unlike dependency:go-offline) knows the reactor: it does not try to
# download our own modules, which are not published anywhere.
FROM maven:3.9-eclipse-temurin-17 AS deps
WORKDIR /src
COPY pom.xml ./
COPY contract/pom.xml contract/
COPY migrations/pom.xml migrations/
COPY test-support/pom.xml test-support/
COPY gateway-node/pom.xml gateway-node/
COPY persistence-worker/pom.xml persistence-worker/
COPY presence-node/pom.xml presence-node/
COPY client/pom.xml client/
COPY loadgen/pom.xml loadgen/
COPY system-tests/pom.xml system-tests/
RUN mvn -B -ntp -q de.qaware.maven:go-offline-maven-plugin:1.2.8:resolve-dependencies

# --- build: our sources, then the shaded jar of each runnable module ----------------------
FROM deps AS build
COPY contract/src contract/src
COPY migrations/src migrations/src
COPY test-support/src test-support/src
COPY gateway-node/src gateway-node/src
COPY persistence-worker/src persistence-worker/src
COPY presence-node/src presence-node/src
# Tests run in CI (make test), not here: maven.test.skip also skips compiling them.
RUN mvn -B -ntp -q -Dmaven.test.skip=true \
      -pl migrations,gateway-node,persistence-worker,presence-node -am package \
 && mkdir -p /out \
 && for m in migrations gateway-node persistence-worker presence-node; do \
      cp "$m/target/$m-all.jar" "/out/$m.jar"; \
    done

# --- runtime: what every process image shares ----------------------------------------------
# A JRE only (no JDK, no Maven), a non-root user, and a health check that needs no curl.
FROM eclipse-temurin:17-jre-jammy AS runtime
RUN groupadd --system --gid 10001 parley \
 && useradd --system --uid 10001 --gid parley --home-dir /app --shell /usr/sbin/nologin parley \
 && mkdir -p /app /var/lib/parley/files \
 && chown parley:parley /var/lib/parley/files
COPY --chmod=0755 deploy/docker-entrypoint.sh /usr/local/bin/parley
COPY --chmod=0755 deploy/docker-healthcheck.sh /usr/local/bin/parley-healthcheck
WORKDIR /app
# Heap follows the container's memory limit; an OOM ends the process so it gets restarted.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/parley"]

# --- gateway: REST, /ws, /health, /ready, /metrics on 8080 ---------------------------------
FROM runtime AS gateway
COPY --from=build /out/gateway-node.jar /app/parley.jar
ENV PARLEY_HTTP_PORT=8080 \
    PARLEY_FILES_DIR=/var/lib/parley/files
EXPOSE 8080
# /ready turns 503 at the start of a drain: the container is reported unhealthy while it stops.
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 \
  CMD ["/usr/local/bin/parley-healthcheck", "/ready"]
# SIGTERM drains for up to PARLEY_DRAIN_TIMEOUT (25 s): stop it with `docker stop -t 30`.
STOPSIGNAL SIGTERM

# --- worker: stream -> Postgres; /health, /ready, /metrics on 8090 -------------------------
FROM runtime AS worker
COPY --from=build /out/persistence-worker.jar /app/parley.jar
ENV PARLEY_HTTP_PORT=8090
EXPOSE 8090
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 \
  CMD ["/usr/local/bin/parley-healthcheck", "/ready"]

# --- presence: presence in Redis; /health, /ready, /metrics on 8091 ------------------------
FROM runtime AS presence
COPY --from=build /out/presence-node.jar /app/parley.jar
ENV PARLEY_HTTP_PORT=8091
EXPOSE 8091
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 \
  CMD ["/usr/local/bin/parley-healthcheck", "/ready"]

# --- migrations: one-shot, applies the schema and exits 0 ----------------------------------
# It serves no port, and its exit status is its health: nothing for a HEALTHCHECK to ask.
FROM runtime AS migrations
COPY --from=build /out/migrations.jar /app/parley.jar
HEALTHCHECK NONE
