// The Kubernetes manifests: each overlay rendered by Kustomize (kubectl kustomize), every object
// validated against the Kubernetes API's schema for its kind (npm kubernetes-models), then the
// rules that tie the objects together: references resolve, images have tags, the gateway's
// probes and stop timings match its drain.
import { execFileSync } from "node:child_process";
import { parseAllDocuments } from "yaml";

/** Renders a kustomization directory with kubectl's built-in Kustomize; objects in order. */
export function renderKustomization(dir) {
  let out;
  try {
    out = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    if (e.code === "ENOENT") throw new Error("kubectl is not installed: it renders the Kustomize overlays");
    throw new Error(`kubectl kustomize ${dir} failed: ${String(e.stderr).trim()}`);
  }
  return parseYamlObjects(out, dir);
}

export function parseYamlObjects(text, where) {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length) throw new Error(`${where}: ${doc.errors[0].message}`);
    const obj = doc.toJS();
    return obj ? [obj] : [];
  });
}

const id = (o) => `${o?.kind ?? "?"}/${o?.metadata?.name ?? "?"}`;

/** The model class of an object's apiVersion and kind, or undefined when there is none. */
async function modelOf(obj) {
  if (typeof obj.apiVersion !== "string" || typeof obj.kind !== "string" || !/^[A-Za-z]+$/.test(obj.kind)) return undefined;
  const path = `kubernetes-models/${obj.apiVersion}/${obj.kind}`;
  try {
    const module = await import(path);
    return module[obj.kind];
  } catch (e) {
    if (e.code === "ERR_MODULE_NOT_FOUND" || e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED") return undefined;
    throw e;
  }
}

/** Schema errors of each object, "Deployment/x: data/spec/replicas must be integer". */
export async function schemaErrors(objects) {
  const errors = [];
  for (const obj of objects) {
    const Model = await modelOf(obj);
    if (!Model) {
      errors.push(`${id(obj)}: no schema for apiVersion ${obj.apiVersion} kind ${obj.kind}`);
      continue;
    }
    try {
      new Model(obj).validate();
    } catch (e) {
      errors.push(`${id(obj)}: ${e.message}`);
    }
  }
  return errors;
}

const podSpecOf = (o) => (o.kind === "Job" || o.kind === "Deployment" ? o.spec?.template?.spec : undefined);
const matches = (selector = {}, labels = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Parses the gateway's durations ("25s", "2m", "500ms") into seconds. */
export function settingSeconds(text) {
  const m = String(text).match(/^(\d+)(ms|s|m|h|d)$/);
  if (!m) return NaN;
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[m[2]];
}

/**
 * The rules across objects. externalSecrets: Secrets created outside the manifests (production).
 */
export function semanticErrors(objects, { externalSecrets = [] } = {}) {
  const errors = [];
  const named = (kind, name) => objects.find((o) => o.kind === kind && o.metadata?.name === name);
  const workloads = objects.filter(podSpecOf);

  for (const w of workloads) {
    const spec = podSpecOf(w);
    if (w.kind === "Deployment" && !matches(w.spec.selector?.matchLabels, w.spec.template?.metadata?.labels)) {
      errors.push(`${id(w)}: selector does not match its pod labels`);
    }
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      if (!/:[^/]+$/.test(c.image ?? "") || /:latest$/.test(c.image)) {
        errors.push(`${id(w)}: container ${c.name} image ${c.image} has no fixed tag`);
      }
      for (const ref of c.envFrom ?? []) {
        if (ref.configMapRef && !named("ConfigMap", ref.configMapRef.name)) {
          errors.push(`${id(w)}: ConfigMap ${ref.configMapRef.name} does not exist`);
        }
      }
      for (const env of c.env ?? []) {
        const s = env.valueFrom?.secretKeyRef;
        if (s && !externalSecrets.includes(s.name)) {
          const secret = named("Secret", s.name);
          if (!secret) errors.push(`${id(w)}: Secret ${s.name} does not exist`);
          else if (!(s.key in { ...secret.data, ...secret.stringData })) {
            errors.push(`${id(w)}: Secret ${s.name} has no key ${s.key}`);
          }
        }
      }
      const ports = new Set((c.ports ?? []).flatMap((p) => [p.name, p.containerPort]));
      for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"]) {
        const port = c[probe]?.httpGet?.port;
        if (port !== undefined && !ports.has(port)) errors.push(`${id(w)}: ${probe} on port ${port}, which ${c.name} does not declare`);
      }
      const parley = w.metadata?.labels?.["app.kubernetes.io/name"] === "parley";
      if (parley && w.kind === "Deployment" && c.ports?.length) {
        if (c.readinessProbe?.httpGet?.path !== "/ready") errors.push(`${id(w)}: readinessProbe must GET /ready`);
        if (c.livenessProbe?.httpGet?.path !== "/health") errors.push(`${id(w)}: livenessProbe must GET /health (never /ready)`);
      }
    }
    for (const v of spec.volumes ?? []) {
      const claim = v.persistentVolumeClaim?.claimName;
      if (claim && !named("PersistentVolumeClaim", claim)) errors.push(`${id(w)}: PersistentVolumeClaim ${claim} does not exist`);
    }
  }

  for (const hpa of objects.filter((o) => o.kind === "HorizontalPodAutoscaler")) {
    const ref = hpa.spec?.scaleTargetRef ?? {};
    if (!named(ref.kind, ref.name)) errors.push(`${id(hpa)}: scales ${ref.kind}/${ref.name}, which does not exist`);
    if (hpa.spec?.minReplicas > hpa.spec?.maxReplicas) errors.push(`${id(hpa)}: minReplicas above maxReplicas`);
  }
  for (const pdb of objects.filter((o) => o.kind === "PodDisruptionBudget")) {
    const selector = pdb.spec?.selector?.matchLabels;
    if (!workloads.some((w) => w.kind === "Deployment" && matches(selector, w.spec.template?.metadata?.labels))) {
      errors.push(`${id(pdb)}: selects no Deployment's pods`);
    }
  }
  errors.push(...gatewayDrainErrors(objects));
  return errors;
}

/** terminationGracePeriodSeconds must cover the preStop wait and the whole drain after it. */
function gatewayDrainErrors(objects) {
  const gateway = objects.find((o) => o.kind === "Deployment" && o.metadata?.name === "parley-gateway");
  if (!gateway) return ["Deployment/parley-gateway: missing"];
  const spec = gateway.spec.template.spec;
  const container = spec.containers.find((c) => c.name === "gateway");
  const preStop = container?.lifecycle?.preStop;
  if (!preStop) return ["Deployment/parley-gateway: no preStop"];
  const wait = preStop.sleep?.seconds ?? Number(preStop.exec?.command?.join(" ").match(/^sleep (\d+)$/)?.[1]);
  const config = objects.find((o) => o.kind === "ConfigMap" && o.metadata?.name === "parley-config")?.data ?? {};
  const drain = settingSeconds(config.PARLEY_DRAIN_TIMEOUT ?? "25s");
  const grace = spec.terminationGracePeriodSeconds ?? 30;
  const errors = [];
  if (!(wait >= 0)) errors.push("Deployment/parley-gateway: preStop is neither a sleep nor `sleep <seconds>`");
  if (!(grace > wait + drain)) {
    errors.push(`Deployment/parley-gateway: terminationGracePeriodSeconds ${grace} must exceed preStop ${wait}s + PARLEY_DRAIN_TIMEOUT ${drain}s`);
  }
  const delay = settingSeconds(config.PARLEY_DRAIN_DELAY ?? "5s");
  const readiness = container.readinessProbe ?? {};
  const outAfter = (readiness.periodSeconds ?? 10) * (readiness.failureThreshold ?? 3);
  if (!(outAfter < delay)) {
    errors.push(`Deployment/parley-gateway: readinessProbe takes ${outAfter}s to fail, not under PARLEY_DRAIN_DELAY ${delay}s`);
  }
  return errors;
}
