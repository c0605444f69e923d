// The repository's own deployment files pass every check (scripts/check-deploy.sh runs this).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { composeSchemaErrors, composeSemanticErrors, loadCompose } from "../lib/compose.mjs";
import { finalImages, lintDockerfile, parseDockerfile } from "../lib/dockerfile.mjs";
import { renderKustomization, schemaErrors, semanticErrors } from "../lib/kube.mjs";
import { unknownFieldErrors } from "../lib/strict.mjs";
import { composeTopologyErrors, natsValuesErrors, prometheusErrors } from "../lib/topology.mjs";
import { K8S, PENDING_PATHS, ROOT } from "./paths.mjs";

const compose = loadCompose(join(ROOT, "docker-compose.yml"));

test("docker-compose.yml is valid against the Compose specification's schema", () => {
  assert.deepEqual(composeSchemaErrors(compose), []);
});

test("docker-compose.yml: build contexts, Dockerfile targets, mounts and dependencies exist", (t) => {
  const { errors, notes } = composeSemanticErrors(compose, ROOT, { pendingPaths: PENDING_PATHS });
  notes.forEach((n) => t.diagnostic(n));
  assert.deepEqual(errors, []);
});

test("docker-compose.yml runs the cluster's topology", () => {
  assert.deepEqual(composeTopologyErrors(compose), []);
});

test("each Parley process has its image, built from the Dockerfile", () => {
  assert.deepEqual(finalImages(ROOT).sort(), ["gateway", "migrations", "presence", "worker"]);
  const targets = Object.values(compose.services).map((s) => s.build?.target).filter(Boolean);
  assert.deepEqual([...new Set(targets)].sort(), ["gateway", "migrations", "presence", "worker"]);
});

test("the Dockerfile passes the lint: context, tags, non-root, HEALTHCHECK, exec form", () => {
  assert.deepEqual(lintDockerfile(ROOT), []);
});

test("the Dockerfile's dependency layer copies every module's pom, and only poms", () => {
  const modules = [...readFileSync(join(ROOT, "pom.xml"), "utf8").matchAll(/<module>([^<]+)<\/module>/g)].map((m) => m[1]);
  const instructions = parseDockerfile(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
  const deps = [];
  let stage;
  for (const i of instructions) {
    if (i.op === "FROM") stage = i.args.split(/\s+/)[2];
    else if (stage === "deps" && i.op === "COPY") deps.push(i.args.split(/\s+/)[0]);
  }
  assert.deepEqual(deps.sort(), ["pom.xml", ...modules.map((m) => `${m}/pom.xml`)].sort());
});

for (const overlay of ["dev", "production"]) {
  test(`k8s overlay ${overlay}: renders, every object valid against the Kubernetes API schema, no unknown field`, async () => {
    const objects = renderKustomization(join(K8S, "overlays", overlay));
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ConfigMap", "Job"]) {
      assert.ok(kinds.has(kind), `no ${kind} in overlay ${overlay}`);
    }
    assert.deepEqual(await schemaErrors(objects), []);
    assert.deepEqual(unknownFieldErrors(objects), []);
  });

  test(`k8s overlay ${overlay}: references, images, probes and the gateway's drain hold together`, () => {
    const objects = renderKustomization(join(K8S, "overlays", overlay));
    // production's Secret is created beforehand, outside git (deploy/README.md)
    const externalSecrets = overlay === "production" ? ["parley-secrets"] : [];
    assert.deepEqual(semanticErrors(objects, { externalSecrets }), []);
    for (const name of ["parley-gateway", "parley-worker", "parley-presence"]) {
      assert.ok(objects.some((o) => o.kind === "Deployment" && o.metadata.name === name), `no Deployment ${name}`);
      assert.ok(objects.some((o) => o.kind === "PodDisruptionBudget" && o.metadata.name === name), `no PDB ${name}`);
    }
  });
}

test("nats-values.yaml: the NATS chart runs a JetStream cluster as large as the stream replicas", () => {
  const values = parse(readFileSync(join(K8S, "nats-values.yaml"), "utf8"));
  const config = renderKustomization(join(K8S, "base")).find((o) => o.kind === "ConfigMap");
  assert.deepEqual(natsValuesErrors(values, config.data.PARLEY_STREAM_REPLICAS), []);
});

test("prometheus.yml parses and scrapes every Parley node of the compose file", () => {
  const prometheus = parse(readFileSync(join(ROOT, "deploy/prometheus/prometheus.yml"), "utf8"));
  assert.deepEqual(prometheusErrors(prometheus, compose), []);
});

test("the compose file's HAProxy configuration is valid (haproxy -c)", () => {
  // Debian's haproxy; scripts/check-deploy.sh installs it where it is missing
  const out = execFileSync("haproxy", ["-c", "-f", join(ROOT, "deploy/compose/haproxy.cfg")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  assert.match(out, /Configuration file is valid/);
});
