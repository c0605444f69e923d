import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, "../../..");
export const FIXTURES = join(here, "fixtures");
export const K8S = join(ROOT, "deploy/k8s");

// Bind-mount sources the observability work provides (the dashboard and its provisioning);
// until they are in the repository, their absence is a note, not an error.
export const PENDING_PATHS = ["deploy/grafana/provisioning", "deploy/grafana/dashboards"];
