package dev.parley.gateway.stream;

import io.vertx.core.json.JsonObject;

/** One stored stream entry, read back by sequence. */
public record StreamEntry(long seq, String subject, JsonObject payload) {}
