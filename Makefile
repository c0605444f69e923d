# Parley's entry points. Each target is a thin wrapper over scripts/*.sh; every setting is an
# environment variable with its default in scripts/env.sh (e.g. `PARLEY_PG_HOST=db make test`).

SHELL := /bin/bash
.DEFAULT_GOAL := help
S := scripts

.PHONY: help run down cluster cluster-down cluster-status cluster-load cluster-kill-leader cluster-restart test check-deploy test-faults test-cluster bench bench-full bench-one bench-history fmt migrate build services toolchain logs status clean

help: ## list the targets (this)
	@echo "Parley: make <target>"
	@awk 'BEGIN { FS = ":.*## " } /^[a-z][a-z-]*:.*## / { printf "  %-14s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)
	@echo "Settings: environment variables, defaults in scripts/env.sh."

run: ## install/start what is missing, build, migrate, start 2 gateways + worker + presence
	@bash $(S)/toolchain.sh
	@bash $(S)/services.sh
	@bash $(S)/build.sh --if-stale
	@bash $(S)/migrate.sh
	@bash $(S)/nodes.sh up

down: ## stop the processes make run started (Postgres, Redis, NATS keep running)
	@bash $(S)/nodes.sh down

cluster: ## a production-like cluster of local processes: 3 clustered nats-servers (stream x3), HAProxy over 3 gateways, 2 workers, 2 presence nodes
	@bash $(S)/toolchain.sh
	@bash $(S)/services.sh postgres redis
	@bash $(S)/build.sh --if-stale
	@bash $(S)/cluster.sh up

cluster-down: ## stop what make cluster started (gateways drained through HAProxy first), by pid
	@bash $(S)/cluster.sh down

cluster-status: ## the cluster's processes, HAProxy's view of the gateways, the stream's leader and replicas
	@bash $(S)/cluster.sh status

cluster-load: ## traffic through the cluster's HAProxy for DURATION seconds (120), then what it saw: sent, lost, duplicated, out of order
	@bash $(S)/cluster.sh load $(or $(DURATION),120)

cluster-kill-leader: ## kill -9 the NATS server leading the cluster's stream, then wait for a new leader (make cluster starts it again)
	@bash $(S)/cluster.sh kill-leader

cluster-restart: ## restart one of the cluster's processes, a gateway drained through HAProxy first: make cluster-restart NAME=gateway-2
	@test -n "$(NAME)" || { echo "usage: make cluster-restart NAME=<gateway-1|worker-2|nats-3|...>"; exit 2; }
	@bash $(S)/cluster.sh restart $(NAME)

test: ## install/start what is missing, then mvn -B verify (unit + integration tests) and the web client's tests (node, Chromium)
	@bash $(S)/toolchain.sh
	@bash $(S)/services.sh
	@bash $(S)/test.sh

check-deploy: ## the deployment files' static checks (compose and Kubernetes schemas, Dockerfile lint; part of make test)
	@bash $(S)/check-deploy.sh

test-faults: ## each fault (kill -9, SIGTERM, outages, NATS restart, slow client, 5,000 reconnects, the stream leader of make cluster killed) under load: the tables of docs/reliability.md
	@bash $(S)/toolchain.sh
	@bash $(S)/services.sh
	@bash $(S)/test-faults.sh

test-cluster: ## only the last row of test-faults: make cluster's topology, kill -9 the NATS server leading the stream under load (about 2 min)
	@bash $(S)/toolchain.sh
	@bash $(S)/services.sh postgres redis
	@bash $(S)/test-faults.sh cluster

bench: ## the short benchmark set (fanout beside a bare-NATS floor, ramp, idle, biggroup, persist, query; under 10 min): bench/results/
	@bash $(S)/bench.sh short

bench-full: ## the long benchmarks: 50,000 idle connections, a 10,000-member group, an unbounded ramp, query over 1,000,000 messages
	@bash $(S)/bench.sh full

bench-one: ## one benchmark: make bench-one SCENARIO=fanout ARGS="rate=400 seconds=30"
	@test -n "$(SCENARIO)" || { echo "usage: make bench-one SCENARIO=<name> ARGS=\"k=v ...\""; exit 2; }
	@bash $(S)/bench.sh one $(SCENARIO) $(ARGS)

bench-history: ## measure what read-your-writes costs a history read; writes docs/benchmarks/history-read.md
	@bash $(S)/toolchain.sh
	@bash $(S)/services.sh
	@mvn -q -B -ntp install -DskipTests
	@mvn -q -B -ntp -pl system-tests verify -Dit.test=HistoryReadBenchmark
	@echo "==> bench-history: results in docs/benchmarks/history-read.md"

fmt: ## format the Java sources (google-java-format via Spotless; mvn verify fails on unformatted code)
	@bash $(S)/toolchain.sh
	@mvn -q -B -ntp spotless:apply

migrate: ## create the database if missing and apply the migrations
	@bash $(S)/toolchain.sh
	@bash $(S)/services.sh postgres
	@bash $(S)/build.sh --if-stale
	@bash $(S)/migrate.sh

build: ## build the runnable jars (mvn -DskipTests package)
	@bash $(S)/toolchain.sh
	@bash $(S)/build.sh

services: ## install/start Postgres, Redis and NATS (JetStream) where missing
	@bash $(S)/services.sh

toolchain: ## install JDK 17 and Maven where missing
	@bash $(S)/toolchain.sh

logs: ## follow the logs of the running processes (.run/logs/<name>.log)
	@bash $(S)/nodes.sh logs

status: ## which processes are up, their /ready, and the services
	@bash $(S)/nodes.sh status

clean: ## stop the processes, remove build output (mvn clean) and .run/
	@bash $(S)/clean.sh
