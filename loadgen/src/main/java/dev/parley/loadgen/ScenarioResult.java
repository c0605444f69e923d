package dev.parley.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What a scenario measured: named figures, the targets checked against them, what limited the
 * run when it was the load generator rather than the server, and free notes. Figures keep their
 * unit in the name ({@code delivery_p99_ms}); targets name the figure they judge.
 */
public final class ScenarioResult {
  private final JsonObject figures = new JsonObject();
  private final JsonArray targets = new JsonArray();
  private final JsonArray notes = new JsonArray();
  private final JsonArray limitedBy = new JsonArray();
  private final JsonObject detail = new JsonObject();

  public ScenarioResult figure(String name, Object value) {
    figures.put(name, value);
    return this;
  }

  /** A target judged "at most" ({@code atMost=true}) or "at least" a limit. */
  public ScenarioResult target(
      String what, String figure, double value, boolean atMost, double limit) {
    boolean met = atMost ? value <= limit : value >= limit;
    targets.add(
        new JsonObject()
            .put("what", what)
            .put("figure", figure)
            .put("value", value)
            .put("limit", (atMost ? "<= " : ">= ") + limit)
            .put("met", met));
    return this;
  }

  public ScenarioResult note(String text) {
    notes.add(text);
    return this;
  }

  /** The load generator, not the server, was the limit: its CPU, an event loop, pacing delay. */
  public ScenarioResult limitedBy(String reason) {
    limitedBy.add(reason);
    return this;
  }

  /** Anything larger a reader may want: per-step rows of a ramp, per-process CPU, the floor's own figures. */
  public ScenarioResult detail(String name, Object value) {
    detail.put(name, value);
    return this;
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("figures", figures)
        .put("targets", targets)
        .put("limited_by_load_generator", limitedBy)
        .put("notes", notes)
        .put("detail", detail);
  }
}
