# syntax=docker/dockerfile:1
# One image for every Parley process; its first argument picks which (deploy/docker-entrypoint.sh):
#   migrate | gateway | worker | presence
# Build: docker build -t parley .   (docker compose builds it for you)

# --- build: the shaded jar of each runnable module ----------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The cache mount keeps ~/.m2 between builds, so only changed dependencies are downloaded.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -q -DskipTests package \
 && mkdir -p /out \
 && for m in migrations gateway-node persistence-worker presence-node; do \
      jar=$(ls -t "$m/target/$m-all.jar" "$m/target/$m.jar" 2>/dev/null | head -n1); \
      [ -n "$jar" ] || { echo "no runnable jar for $m under $m/target" >&2; exit 1; }; \
      cp "$jar" "/out/$m.jar"; \
    done

# --- runtime: a JRE, the four jars, curl for health checks --------------------------------
FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin parley \
 && mkdir -p /var/lib/parley/files && chown -R parley /var/lib/parley
WORKDIR /app
COPY --from=build /out/ /app/
COPY --chmod=0755 deploy/docker-entrypoint.sh /usr/local/bin/parley
USER parley
# Heap follows the container's memory limit; an OOM ends the process so it gets restarted.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["/usr/local/bin/parley"]
CMD ["gateway"]
