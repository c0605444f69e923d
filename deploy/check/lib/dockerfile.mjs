// A Dockerfile lint for what an image of ours must be, from the file alone (no Docker engine):
// every COPY source is in the build context and not excluded by .dockerignore, base images have a
// fixed tag, each final image runs as a non-root user on a JRE, with a HEALTHCHECK when it serves
// a port, and starts in exec form so SIGTERM reaches java. Rule names follow hadolint's where one
// exists (DL...); PL... are ours.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Instructions in order: { line, op, args, flags }; continuations joined, comments dropped. */
export function parseDockerfile(text) {
  const out = [];
  let buffer = "";
  let start = 0;
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (!buffer && /^\s*(#|$)/.test(line)) return;
    if (buffer && /^\s*#/.test(line)) return; // a comment inside a continued instruction
    if (!buffer) start = i + 1;
    if (/\\\s*$/.test(line)) {
      buffer += line.replace(/\\\s*$/, " ");
      return;
    }
    buffer += line;
    const m = buffer.trim().match(/^(\S+)\s*(.*)$/s);
    const op = m[1].toUpperCase();
    let rest = m[2];
    const flags = {};
    while (/^--[a-z-]+(=\S+)?\s/.test(rest)) {
      const [, name, value] = rest.match(/^--([a-z-]+)(?:=(\S+))?/);
      flags[name] = value ?? true;
      rest = rest.replace(/^--\S+\s+/, "");
    }
    out.push({ line: start, op, args: rest.trim(), flags });
    buffer = "";
  });
  return out;
}

/** Stages in order: { name, base, index, instructions }. */
export function splitStages(instructions) {
  const stages = [];
  for (const ins of instructions) {
    if (ins.op === "FROM") {
      const [base, as, name] = ins.args.split(/\s+/);
      stages.push({ name: as?.toUpperCase() === "AS" ? name : String(stages.length), base, line: ins.line, instructions: [] });
    } else if (stages.length) {
      stages.at(-1).instructions.push(ins);
    }
  }
  return stages;
}

export function dockerfileStages(instructions) {
  return splitStages(instructions).map((s) => s.name);
}

/** .dockerignore patterns as a predicate over context-relative paths. */
export function dockerignore(contextDir) {
  const file = join(contextDir, ".dockerignore");
  const rules = existsSync(file)
    ? readFileSync(file, "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"))
    : [];
  const compiled = rules.map((rule) => {
    const negate = rule.startsWith("!");
    const glob = rule.replace(/^!/, "").replace(/^\/+/, "").replace(/\/+$/, "");
    const re = glob
      .split("**")
      .map((part) => part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]"))
      .join(".*");
    // a pattern that names a directory excludes everything under it
    return { negate, re: new RegExp(`^${re.replace(/^\.\*\//, "(.*/)?")}(/.*)?$`) };
  });
  return (path) => {
    let ignored = false;
    for (const { negate, re } of compiled) if (re.test(path)) ignored = !negate;
    return ignored;
  };
}

const isExecForm = (args) => {
  try {
    return Array.isArray(JSON.parse(args));
  } catch {
    return false;
  }
};

/**
 * Lints the Dockerfile at contextDir/<name>. Returns ["Dockerfile:12 DL3007 ...", ...].
 */
export function lintDockerfile(contextDir, name = "Dockerfile") {
  const file = join(contextDir, name);
  const stages = splitStages(parseDockerfile(readFileSync(file, "utf8")));
  const ignored = dockerignore(contextDir);
  const errors = [];
  const at = (line, rule, message) => errors.push(`${name}:${line} ${rule} ${message}`);
  const byName = new Map(stages.map((s) => [s.name, s]));
  const usedAsBase = new Set();

  for (const stage of stages) {
    if (byName.has(stage.base)) {
      usedAsBase.add(stage.base);
    } else if (!/:[^/]+$/.test(stage.base) && !stage.base.includes("@sha256:")) {
      at(stage.line, "DL3006", `FROM ${stage.base}: give the image a tag`);
    } else if (/:latest$/.test(stage.base)) {
      at(stage.line, "DL3007", `FROM ${stage.base}: latest is no fixed version`);
    }
    for (const ins of stage.instructions) {
      if (ins.op === "WORKDIR" && !ins.args.startsWith("/")) at(ins.line, "DL3000", "WORKDIR must be absolute");
      if (ins.op === "ADD" && !/^(https?:|git@)/.test(ins.args)) at(ins.line, "DL3020", "use COPY for files and folders");
      if ((ins.op === "COPY" || ins.op === "ADD") && ins.flags.from) {
        usedAsBase.add(ins.flags.from);
        if (!byName.has(ins.flags.from)) at(ins.line, "PL001", `COPY --from=${ins.flags.from}: no such stage`);
      } else if (ins.op === "COPY" || ins.op === "ADD") {
        const parts = isExecForm(ins.args) ? JSON.parse(ins.args) : ins.args.split(/\s+/);
        for (const src of parts.slice(0, -1)) {
          const rel = src.replace(/^\.\//, "").replace(/\/+$/, "") || ".";
          if (rel === ".") continue;
          if (/[*?]/.test(rel)) continue; // a glob may match nothing on purpose
          if (!existsSync(join(contextDir, rel))) at(ins.line, "PL002", `COPY ${src}: not in the build context`);
          else if (ignored(rel)) at(ins.line, "PL003", `COPY ${src}: excluded by .dockerignore`);
        }
      }
      if (ins.op === "RUN" && /apt-get\s+install/.test(ins.args)) {
        if (!/apt-get\s+install[^&|;]*\s-y\b|\s--yes\b/.test(ins.args)) at(ins.line, "DL3014", "apt-get install needs -y");
        if (!/--no-install-recommends/.test(ins.args)) at(ins.line, "DL3015", "apt-get install --no-install-recommends");
        if (!/rm -rf \/var\/lib\/apt\/lists/.test(ins.args)) at(ins.line, "DL3009", "remove /var/lib/apt/lists in the same RUN");
      }
      if ((ins.op === "CMD" || ins.op === "ENTRYPOINT") && !isExecForm(ins.args)) {
        at(ins.line, "DL3025", `${ins.op} in exec form (JSON), so the process gets SIGTERM`);
      }
    }
  }

  // Final images: the stages no other stage builds on. Each inherits from its chain of bases.
  for (const stage of stages.filter((s) => !usedAsBase.has(s.name))) {
    const chain = [];
    for (let s = stage; s; s = byName.get(s.base)) chain.unshift(s);
    const all = chain.flatMap((s) => s.instructions);
    const last = (op) => all.filter((i) => i.op === op).at(-1);
    const user = last("USER");
    if (!user || /^(root|0)(:|$)/.test(user.args)) {
      at(stage.line, "DL3002", `image ${stage.name}: its last USER must not be root`);
    }
    const health = last("HEALTHCHECK");
    const serves = all.some((i) => i.op === "EXPOSE");
    if (!health) at(stage.line, "PL004", `image ${stage.name}: no HEALTHCHECK (say HEALTHCHECK NONE when there is nothing to ask)`);
    else if (serves && /^NONE\b/i.test(health.args)) at(health.line, "PL005", `image ${stage.name} serves a port: HEALTHCHECK it`);
    if (!/jre/.test(chain[0].base)) at(chain[0].line, "PL006", `image ${stage.name}: runs on ${chain[0].base}, not a JRE`);
    if (!last("ENTRYPOINT") && !last("CMD")) at(stage.line, "PL007", `image ${stage.name}: nothing to run`);
  }
  return errors;
}

/** The final images (targets) of the Dockerfile, by stage name. */
export function finalImages(contextDir, name = "Dockerfile") {
  const stages = splitStages(parseDockerfile(readFileSync(join(contextDir, name), "utf8")));
  const used = new Set();
  for (const s of stages) {
    if (stages.some((o) => o.name === s.base)) used.add(s.base);
    for (const i of s.instructions) if (i.flags.from) used.add(i.flags.from);
  }
  return stages.filter((s) => !used.has(s.name)).map((s) => s.name);
}
