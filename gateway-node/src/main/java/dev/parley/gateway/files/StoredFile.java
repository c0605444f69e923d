package dev.parley.gateway.files;

import io.vertx.core.json.JsonObject;

/** A row of {@code files}: what was uploaded, by whom, and where its bytes are. */
record StoredFile(
    String id, String uploaderId, String name, long size, String contentType, String storageKey) {

  /** The upload's answer and the shape a message's {@code attachments} entries take. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("size", size)
        .put("content_type", contentType);
  }
}
