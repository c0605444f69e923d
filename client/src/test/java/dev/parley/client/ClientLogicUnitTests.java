package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ClientLogicUnitTests {
  @Test
  void backoffGrowsToItsCeilingWithJitterAndStartsOverAfterASuccess() {
    Backoff b = new Backoff(100, 1000, n -> n); // the largest jitter
    assertThat(b.next()).isEqualTo(100);
    assertThat(b.next()).isEqualTo(200);
    assertThat(b.next()).isEqualTo(400);
    assertThat(b.next()).isEqualTo(800);
    assertThat(b.next()).isEqualTo(1000);
    b.reset();
    Backoff low = new Backoff(100, 1000, n -> 0); // the smallest
    assertThat(low.next()).isEqualTo(50);
    assertThat(b.next()).isEqualTo(100);
  }

  @Test
  void closeCodesMapToTheContractsReconnectRules() {
    assertThat(CloseReason.of((short) 4000).reconnect()).isEqualTo(CloseReason.Reconnect.AT_ONCE);
    assertThat(CloseReason.of((short) 1001).reconnect())
        .isEqualTo(CloseReason.Reconnect.AFTER_JITTER);
    assertThat(CloseReason.of((short) 4008)).isEqualTo(CloseReason.SLOW_READER);
    assertThat(CloseReason.of((short) 1008).reconnect()).isEqualTo(CloseReason.Reconnect.NEVER);
    assertThat(CloseReason.of(null)).isEqualTo(CloseReason.DROPPED);
    assertThat(CloseReason.of((short) 4999)).isEqualTo(CloseReason.DROPPED);
  }

  @Test
  void framesAreTypedAndUnknownOnesKeptWhole() {
    Event m =
        Event.parse(
            "{\"type\":\"message.new\",\"data\":{\"conversation_id\":\"c\",\"seq\":9,"
                + "\"prev_seq\":null,\"sender_id\":\"a\",\"content\":\"hi\",\"client_msg_id\":\"k\"}}");
    assertThat(m).isInstanceOf(Event.MessageNew.class);
    Event.MessageNew msg = (Event.MessageNew) m;
    assertThat(msg.seq()).isEqualTo(9);
    assertThat(msg.prevSeq()).isNull();
    assertThat(msg.clientMsgId()).isEqualTo("k");
    Event err =
        Event.parse(
            "{\"type\":\"error\",\"id\":\"k#1\",\"data\":{\"code\":\"rate_limited\","
                + "\"message\":\"slow down\",\"retry_after_ms\":250}}");
    assertThat(((Event.ErrorFrame) err).retryable()).isTrue();
    assertThat(((Event.ErrorFrame) err).retryAfterMs()).isEqualTo(250);
    assertThat(
            ((Event.ErrorFrame)
                    Event.parse("{\"type\":\"error\",\"data\":{\"code\":\"not_found\"}}"))
                .retryable())
        .isFalse();
    Event other = Event.parse("{\"type\":\"reaction.added\",\"data\":{\"emoji\":\"x\"}}");
    assertThat(other).isInstanceOf(Event.Other.class);
    assertThat(((Event.Other) other).data().getString("emoji")).isEqualTo("x");
    assertThat(Event.parse("not json").type()).isEmpty();
  }

  @Test
  void answersNameTheirSendByClientMsgId() {
    assertThat(PendingSend.clientMsgIdOf("abc#def#3")).isEqualTo("abc#def");
    assertThat(PendingSend.clientMsgIdOf("~4")).isNull();
    assertThat(PendingSend.clientMsgIdOf(null)).isNull();
  }

  @Test
  void tokensCarryTheClaimsTheGatewayRequires() {
    String token = new Tokens("secret", Duration.ofHours(1)).forUser("u-1", "U One");
    String[] parts = token.split("\\.");
    assertThat(parts).hasSize(3);
    JsonObject claims =
        new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    assertThat(claims.getString("sub")).isEqualTo("u-1");
    assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(3600);
  }

  @Test
  void gatewaysGoRoundAndParseTheirUrls() {
    Gateways g = Gateways.of("http://127.0.0.1:8080", "https://chat.example");
    assertThat(g.get(1)).isEqualTo(new Gateways.Gateway("chat.example", 443, true));
    assertThat(g.next(1)).isZero();
    assertThat(g.only(1).size()).isEqualTo(1);
  }
}
