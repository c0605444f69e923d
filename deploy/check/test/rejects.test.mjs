// Each check rejects what it exists to catch: deliberately broken files (fixtures/) fail, with a
// message naming the fault. Without these, a check that passes everything would look the same.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { composeSchemaErrors, composeSemanticErrors, loadCompose } from "../lib/compose.mjs";
import { lintDockerfile } from "../lib/dockerfile.mjs";
import { parseYamlObjects, renderKustomization, schemaErrors, semanticErrors } from "../lib/kube.mjs";
import { unknownFieldErrors } from "../lib/strict.mjs";
import { composeTopologyErrors, natsValuesErrors } from "../lib/topology.mjs";
import { FIXTURES } from "./paths.mjs";

const includesAll = (errors, expected) => {
  for (const e of expected) {
    assert.ok(errors.some((line) => line.includes(e)), `no error mentions "${e}" in:\n${errors.join("\n")}`);
  }
};

test("a compose file with a misspelt key, a bad duration and a wrong type fails the Compose schema", () => {
  const doc = loadCompose(join(FIXTURES, "compose-invalid.yml"));
  includesAll(composeSchemaErrors(doc), [
    "(stop_grace_perod)",
    "/services/gateway/healthcheck/interval must match format",
    "/services/redis/ports/0/target must be integer",
  ]);
});

test("a compose file naming a missing build target, service or volume fails the semantic check", () => {
  const doc = loadCompose(join(FIXTURES, "compose-invalid.yml"));
  const { errors } = composeSemanticErrors(doc, FIXTURES);
  includesAll(errors, [
    "build target gatewy is no stage",
    "depends_on natz, which is no service",
    "volume uploads is not declared",
    "image redis has no fixed tag",
  ]);
});

test("a compose file short of the topology fails the topology check", () => {
  const doc = loadCompose(join(FIXTURES, "compose-invalid.yml"));
  includesAll(composeTopologyErrors(doc), ["0 NATS servers, 3 expected", "0 gateways, 3 expected", "no service haproxy"]);
});

test("Kubernetes objects of the wrong types or an unknown kind fail the API schema", async () => {
  const objects = parseYamlObjects(readFileSync(join(FIXTURES, "k8s-invalid.yaml"), "utf8"), "k8s-invalid.yaml");
  includesAll(await schemaErrors(objects), [
    "Deployment/broken: data/spec/replicas must be integer",
    "containers/0 must have required property name",
    "readinessProbe/httpGet/port must match exactly one schema",
    "HorizontalPodAutoscaler/broken: data/spec must have required property scaleTargetRef",
    "Unknown/broken: no schema for apiVersion example.com/v1",
  ]);
});

test("misspelt Kubernetes fields pass the API schema but fail the strict check", async () => {
  const objects = parseYamlObjects(readFileSync(join(FIXTURES, "k8s-misspelt.yaml"), "utf8"), "k8s-misspelt.yaml");
  assert.deepEqual(await schemaErrors(objects), []);
  assert.deepEqual(unknownFieldErrors(objects), [
    "Deployment/misspelt: metadata.label: no such field",
    "Deployment/misspelt: spec.replica: no such field",
    "Deployment/misspelt: spec.template.spec.terminationGracePeriod: no such field",
    "Deployment/misspelt: spec.template.spec.containers[0].readinessProb: no such field",
    "Deployment/misspelt: spec.template.spec.containers[0].lifecycle.preStop.sleep.secnds: no such field",
  ]);
});

test("an overlay that breaks the gateway's drain, probes and HPA target is rejected after rendering", () => {
  const objects = renderKustomization(join(FIXTURES, "broken-overlay"));
  includesAll(semanticErrors(objects), [
    "terminationGracePeriodSeconds 20 must exceed preStop 5s + PARLEY_DRAIN_TIMEOUT 25s",
    "readinessProbe takes 15s to fail, not under PARLEY_DRAIN_DELAY 5s",
    "Deployment/parley-gateway: livenessProbe must GET /health",
    "scales Deployment/parley-gatway, which does not exist",
    "Secret parley-secrets does not exist",
    "container worker image parley-worker has no fixed tag",
  ]);
});

test("a kustomization that does not build fails with Kustomize's message", () => {
  assert.throws(() => renderKustomization(join(FIXTURES, "dockerfile-bad")), /kubectl kustomize .* failed: .*kustomization/i);
});

test("a Dockerfile with missing sources, floating tags, root and shell form fails the lint", () => {
  includesAll(lintDockerfile(join(FIXTURES, "dockerfile-bad")), [
    "DL3006 FROM maven",
    "DL3007 FROM openjdk:latest",
    "DL3000",
    "PL002 COPY pom.xml: not in the build context",
    "PL003 COPY app/secret.txt: excluded by .dockerignore",
    "PL001 COPY --from=bulid: no such stage",
    "DL3014",
    "DL3015",
    "DL3009",
    "DL3002 image 1",
    "PL004 image 1: no HEALTHCHECK",
    "PL006 image 1: runs on openjdk:latest, not a JRE",
    "DL3025 ENTRYPOINT in exec form",
  ]);
});

test("NATS values without a cluster or JetStream file storage are rejected", () => {
  includesAll(natsValuesErrors({ config: { cluster: { enabled: false, replicas: 1 }, jetstream: { enabled: true } } }, "3"), [
    "config.cluster.enabled must be true",
    "config.cluster.replicas is 1, 3 expected",
    "fileStore.enabled must be true",
    "PARLEY_STREAM_REPLICAS 3 exceeds the 1 servers",
  ]);
});
