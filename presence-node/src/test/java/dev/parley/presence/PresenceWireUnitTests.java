package dev.parley.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.presence.PresenceHeartbeat;
import dev.parley.contract.presence.PresenceReport;
import dev.parley.contract.presence.PresenceRpc;
import dev.parley.contract.presence.PresenceState;
import dev.parley.contract.presence.PresenceStatus;
import dev.parley.contract.wire.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON gateways publish to presence nodes (the records live in the contract module). */
class PresenceWireUnitTests {
  private static final Instant AT = Instant.parse("2025-03-01T10:15:30.123Z");

  @Test
  void reportRoundTripsThroughItsJson() {
    PresenceReport report = PresenceReport.connect("gw-1", "alice", "c-42", AT);

    JsonObject json = new JsonObject(new String(report.toBytes(), StandardCharsets.UTF_8));

    assertThat(json)
        .isEqualTo(
            new JsonObject()
                .put("node_id", "gw-1")
                .put("user_id", "alice")
                .put("event", "connect")
                .put("connection_id", "c-42")
                .put("at", "2025-03-01T10:15:30.123Z"));
    assertThat(PresenceReport.fromBytes(report.toBytes())).isEqualTo(report);
  }

  @Test
  void reportReadsTheGatewaysDisconnectSpelling() {
    String wire =
        "{\"node_id\":\"gw-1\",\"user_id\":\"bob\",\"event\":\"disconnect\",\"connection_id\":\"c1\",\"at\":\"2025-03-01T10:15:30Z\"}";

    PresenceReport report = PresenceReport.fromBytes(wire.getBytes(StandardCharsets.UTF_8));

    assertThat(report)
        .isEqualTo(
            PresenceReport.disconnect("gw-1", "bob", "c1", Instant.parse("2025-03-01T10:15:30Z")));
  }

  @Test
  void reportWithAMissingOrMalformedFieldIsRejectedNamingTheField() {
    JsonObject good = PresenceReport.connect("gw-1", "alice", "c-42", AT).toJson();

    assertThatThrownBy(() -> PresenceReport.fromJson(good.copy().put("user_id", null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user_id");
    assertThatThrownBy(() -> PresenceReport.fromJson(good.copy().put("event", "reconnect")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event");
    assertThatThrownBy(() -> PresenceReport.fromJson(good.copy().put("at", "yesterday")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at");
    assertThatThrownBy(() -> PresenceReport.fromBytes("not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JSON");
    assertThatThrownBy(() -> PresenceReport.fromBytes("[1,2]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JSON");
  }

  @Test
  void heartbeatRoundTripsThroughItsJson() {
    PresenceHeartbeat heartbeat = new PresenceHeartbeat("gw-2", AT, Map.of("bob", 1, "alice", 3));

    JsonObject json = new JsonObject(new String(heartbeat.toBytes(), StandardCharsets.UTF_8));

    assertThat(json)
        .isEqualTo(
            new JsonObject()
                .put("node_id", "gw-2")
                .put("at", "2025-03-01T10:15:30.123Z")
                .put("connections", new JsonObject().put("alice", 3).put("bob", 1)));
    assertThat(new String(heartbeat.toBytes(), StandardCharsets.UTF_8))
        .contains("{\"alice\":3,\"bob\":1}");
    assertThat(PresenceHeartbeat.fromBytes(heartbeat.toBytes())).isEqualTo(heartbeat);
  }

  @Test
  void heartbeatOfAnIdleNodeHasNoConnections() {
    String wire = "{\"node_id\":\"gw-2\",\"at\":\"2025-03-01T10:15:30Z\",\"connections\":{}}";

    assertThat(PresenceHeartbeat.fromBytes(wire.getBytes(StandardCharsets.UTF_8)).connections())
        .isEmpty();
  }

  @Test
  void heartbeatWithBadCountsOrMissingFieldsIsRejectedNamingThem() {
    JsonObject good = new PresenceHeartbeat("gw-2", AT, Map.of()).toJson();

    assertThatThrownBy(
            () ->
                PresenceHeartbeat.fromJson(
                    good.copy().put("connections", new JsonObject().put("alice", -1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alice");
    assertThatThrownBy(
            () ->
                PresenceHeartbeat.fromJson(
                    good.copy().put("connections", new JsonObject().put("alice", "two"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alice");
    assertThatThrownBy(
            () ->
                PresenceHeartbeat.fromJson(
                    good.copy().put("connections", new JsonObject().put("alice", 1.5))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alice");
    JsonObject noConnections = good.copy();
    noConnections.remove("connections");
    assertThatThrownBy(() -> PresenceHeartbeat.fromJson(noConnections))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connections");
    JsonObject noNode = good.copy();
    noNode.remove("node_id");
    assertThatThrownBy(() -> PresenceHeartbeat.fromJson(noNode))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node_id");
  }

  @Test
  void presenceChangedIsTheFrameClientsGet() {
    PresenceState state = new PresenceState("alice", PresenceStatus.AWAY, AT);

    JsonObject frame =
        new JsonObject(new String(state.toChangedEventBytes(), StandardCharsets.UTF_8));

    assertThat(frame)
        .isEqualTo(
            new JsonObject()
                .put("type", "presence.changed")
                .put(
                    "data",
                    new JsonObject()
                        .put("user_id", "alice")
                        .put("status", "away")
                        .put("last_seen_at", "2025-03-01T10:15:30.123Z")));
    assertThat(PresenceState.fromChangedEvent(state.toChangedEventBytes())).isEqualTo(state);
  }

  @Test
  void aStatusUpdateTakesOnlyTheStatusesAClientMaySet() {
    PresenceRpc.StatusUpdate update = new PresenceRpc.StatusUpdate("bob", PresenceStatus.BUSY);
    assertThat(PresenceRpc.StatusUpdate.fromBytes(update.toBytes())).isEqualTo(update);

    for (String bad : new String[] {"offline", "ONLINE", "", "42"}) {
      String wire = "{\"user_id\":\"bob\",\"status\":\"" + bad + "\"}";
      assertThatThrownBy(
              () -> PresenceRpc.StatusUpdate.fromBytes(wire.getBytes(StandardCharsets.UTF_8)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("status");
    }
  }

  @Test
  void queriesAndTheirRepliesRoundTrip() {
    PresenceRpc.Query query = new PresenceRpc.Query(List.of("a", "b.c"));
    assertThat(PresenceRpc.Query.fromBytes(query.toBytes())).isEqualTo(query);

    PresenceRpc.QueryResult result =
        new PresenceRpc.QueryResult(List.of(new PresenceState("a", PresenceStatus.ONLINE, AT)));
    assertThat(PresenceRpc.QueryResult.fromJson(PresenceRpc.reply(result.toBytes())))
        .isEqualTo(result);
    assertThat(PresenceRpc.Failure.of(PresenceRpc.reply(result.toBytes()))).isNull();

    PresenceRpc.Failure failure = new PresenceRpc.Failure(ErrorCode.RATE_LIMITED, "too soon", 250L);
    assertThat(PresenceRpc.Failure.of(PresenceRpc.reply(failure.toBytes()))).isEqualTo(failure);
    assertThatThrownBy(
            () -> new PresenceRpc.Query(Collections.nCopies(PresenceRpc.MAX_QUERY_IDS + 1, "x")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
