// Unknown fields: the Kubernetes API's schemas allow any extra field, so a misspelt one
// (`readinessProb:`) passes them and is dropped by the API server, silently on older clusters.
// kubernetes-models declares each kind's fields in its TypeScript declarations (.d.ts, generated
// from the same OpenAPI document); this walks an object along them and names every field the
// API does not have, like kubeconform's -strict.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const MODELS = dirname(require.resolve("kubernetes-models/package.json"));
const NODE_MODULES = resolve(MODELS, "..");

const declarations = new Map();

/** { fields: Map(name -> type text), imports: Map(type name -> .d.ts path) } of one file, or null. */
function declaration(file) {
  if (declarations.has(file)) return declarations.get(file);
  let result = null;
  if (existsSync(file)) {
    const text = readFileSync(file, "utf8");
    const imports = new Map();
    for (const [, names, from] of text.matchAll(/^import \{ ([^}]+) \} from "([^"]+)";$/gm)) {
      const path = from.startsWith(".")
        ? resolve(dirname(file), from.replace(/\.js$/, ".d.ts"))
        : join(NODE_MODULES, `${from}.d.ts`);
      for (const name of names.split(",").map((n) => n.trim())) imports.set(name, path);
    }
    const body = text.match(/^export interface \w+(?: extends [\w, ]+)? \{\n([\s\S]*?)^\}/m);
    if (body) {
      const fields = new Map();
      // a map's type spans lines ("{ [key: string]: string; }"): its first line is enough here
      for (const [, name, type] of body[1].matchAll(/^ {4}"([^"]+)"\??: (.+?);?$/gm)) fields.set(name, type);
      result = { fields, imports };
    }
  }
  declarations.set(file, result);
  return result;
}

function walk(value, file, path, errors) {
  const decl = declaration(file);
  if (!decl || value === null || typeof value !== "object" || Array.isArray(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const type = decl.fields.get(key);
    if (type === undefined) {
      errors.push(`${path}.${key}: no such field`);
      continue;
    }
    const element = type.match(/^Array<(\w+)>$/)?.[1];
    if (element && Array.isArray(child) && decl.imports.has(element)) {
      child.forEach((item, i) => walk(item, decl.imports.get(element), `${path}.${key}[${i}]`, errors));
    } else if (decl.imports.has(type)) {
      walk(child, decl.imports.get(type), `${path}.${key}`, errors);
    }
  }
}

/** "Deployment/x: spec.template.spec.containers[0].readinessProb: no such field", per field. */
export function unknownFieldErrors(objects) {
  const errors = [];
  for (const obj of objects) {
    const file = join(MODELS, String(obj.apiVersion), `${obj.kind}.d.ts`);
    if (!declaration(file)) continue; // an unknown kind: the schema check reports it
    const found = [];
    walk(obj, file, "", found);
    errors.push(...found.map((e) => `${obj.kind}/${obj.metadata?.name}: ${e.slice(1)}`));
  }
  return errors;
}
