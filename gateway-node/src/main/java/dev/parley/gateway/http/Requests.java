package dev.parley.gateway.http;

import dev.parley.contract.wire.Ids;
import dev.parley.gateway.failure.ApiException;
import io.vertx.ext.web.RoutingContext;

/** Reading what a request carries, with the contract's 400s for malformed input. */
public final class Requests {
  private Requests() {}

  /** A path id that is not one we could have issued names nothing: 404, like a missing one. */
  public static String conversationId(RoutingContext ctx) {
    return generatedId(ctx.pathParam("conversationId"), "conversation not found");
  }

  /** An optional conversation id in the query: null when absent or empty; 404 when it names nothing. */
  public static String optionalConversationId(RoutingContext ctx, String name) {
    String id = ctx.request().getParam(name);
    return id == null || id.isEmpty() ? null : generatedId(id, "conversation not found");
  }

  /** {@code id}, when it is one we could have issued; otherwise 404 with {@code notFound}. */
  public static String generatedId(String id, String notFound) {
    if (!Ids.isGeneratedId(id)) {
      throw ApiException.notFound(notFound);
    }
    return id;
  }

  public static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isEmpty()) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(raw);
      if (v < min || v > max) {
        throw ApiException.invalid(name + " must be between " + min + " and " + max);
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiException.invalid(name + " must be a whole number");
    }
  }

  /** A non-negative long parameter, or null when absent. */
  public static Long longParam(RoutingContext ctx, String name) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    try {
      long v = Long.parseLong(raw);
      if (v < 0) {
        throw ApiException.invalid(name + " must not be negative");
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiException.invalid(name + " must be a whole number");
    }
  }
}
