// The topology the deployment files promise, checked across files: the compose file runs what
// `make cluster` runs (3 clustered NATS servers, 3 gateways behind HAProxy, 2 workers, 2 presence
// nodes, Postgres, Redis, migrations, Prometheus, Grafana), Prometheus scrapes every node, and the
// NATS chart's values give the cluster the Parley streams' replicas need.
import { durationSeconds } from "./compose.mjs";

const count = (services, re) => Object.keys(services).filter((n) => re.test(n)).length;

export function composeTopologyErrors(doc) {
  const s = doc.services ?? {};
  const errors = [];
  const want = [
    [/^nats-\d+$/, 3, "NATS servers"],
    [/^gateway-\d+$/, 3, "gateways"],
    [/^worker-\d+$/, 2, "workers"],
    [/^presence-\d+$/, 2, "presence nodes"],
  ];
  for (const [re, n, what] of want) {
    if (count(s, re) !== n) errors.push(`compose: ${count(s, re)} ${what}, ${n} expected`);
  }
  for (const name of ["postgres", "redis", "migrate", "haproxy", "prometheus", "grafana"]) {
    if (!s[name]) errors.push(`compose: no service ${name}`);
  }
  const natsNames = Object.keys(s).filter((n) => /^nats-\d+$/.test(n));
  for (const name of natsNames) {
    const args = (s[name].command ?? []).join(" ");
    if (!/--jetstream|-js\b/.test(args)) errors.push(`compose: ${name} runs without JetStream`);
    const routes = args.match(/--routes=(\S+)/)?.[1] ?? "";
    for (const other of natsNames) {
      if (!routes.includes(`//${other}:`)) errors.push(`compose: ${name} has no route to ${other}`);
    }
  }
  for (const [name, svc] of Object.entries(s).filter(([n]) => /^(gateway|worker|presence)-\d+$/.test(n))) {
    const env = svc.environment ?? {};
    if (String(env.PARLEY_STREAM_REPLICAS) !== String(natsNames.length)) {
      errors.push(`compose: ${name} has PARLEY_STREAM_REPLICAS=${env.PARLEY_STREAM_REPLICAS}, not ${natsNames.length}`);
    }
    for (const nats of natsNames) {
      if (!String(env.PARLEY_NATS_URL ?? "").includes(`//${nats}:4222`)) errors.push(`compose: ${name}'s PARLEY_NATS_URL misses ${nats}`);
    }
    if (svc.depends_on?.migrate?.condition !== "service_completed_successfully") {
      errors.push(`compose: ${name} does not wait for the migrations`);
    }
  }
  for (const [name, svc] of Object.entries(s).filter(([n]) => /^gateway-\d+$/.test(n))) {
    const drain = durationSeconds(svc.environment?.PARLEY_DRAIN_TIMEOUT ?? "25s");
    const grace = durationSeconds(svc.stop_grace_period ?? "10s");
    if (!(grace > drain)) errors.push(`compose: ${name} stop_grace_period ${grace}s does not cover its drain (${drain}s)`);
  }
  return errors;
}

/** Every gateway, worker and presence service of the compose file is a scrape target. */
export function prometheusErrors(prometheus, compose) {
  const targets = new Set(
    (prometheus.scrape_configs ?? []).flatMap((job) => (job.static_configs ?? []).flatMap((c) => c.targets ?? [])),
  );
  const errors = [];
  for (const [name, svc] of Object.entries(compose.services ?? {})) {
    if (!/^(gateway|worker|presence)-\d+$/.test(name)) continue;
    const target = `${name}:${svc.environment?.PARLEY_HTTP_PORT}`;
    if (!targets.has(target)) errors.push(`prometheus.yml: ${target} is not scraped`);
  }
  return errors;
}

/** The NATS chart's values: a JetStream cluster with file storage, as large as the stream replicas. */
export function natsValuesErrors(values, streamReplicas) {
  const errors = [];
  const c = values?.config ?? {};
  if (c.cluster?.enabled !== true) errors.push("nats-values: config.cluster.enabled must be true");
  if (c.cluster?.replicas !== 3) errors.push(`nats-values: config.cluster.replicas is ${c.cluster?.replicas}, 3 expected`);
  if (c.jetstream?.enabled !== true) errors.push("nats-values: config.jetstream.enabled must be true");
  if (c.jetstream?.fileStore?.enabled !== true) errors.push("nats-values: config.jetstream.fileStore.enabled must be true");
  if (c.jetstream?.fileStore?.pvc?.enabled !== true) errors.push("nats-values: the file store needs its PVC (fileStore.pvc.enabled)");
  if (Number(streamReplicas) > (c.cluster?.replicas ?? 1)) {
    errors.push(`nats-values: PARLEY_STREAM_REPLICAS ${streamReplicas} exceeds the ${c.cluster?.replicas} servers`);
  }
  return errors;
}
