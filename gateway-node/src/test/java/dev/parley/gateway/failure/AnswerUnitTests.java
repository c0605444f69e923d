package dev.parley.gateway.failure;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.parley.contract.wire.ErrorCode;
import dev.parley.contract.wire.Frames;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * Each kind of failure and the exact answer it gets on every edge: the REST status, {@code
 * Retry-After} and body, the WebSocket {@code error} frame, the NATS error reply, and how loudly it
 * is logged.
 */
class AnswerUnitTests {

  /** What one failure looks like on each edge. */
  private record Edges(
      int status,
      String retryAfter,
      String restBody,
      String frame,
      String natsReply,
      Level logLevel) {
    static Edges of(Answer a) {
      return new Edges(
          a.httpStatus(),
          a.retryAfterHeader(),
          a.restBody().encode(),
          a.frame("f1").encode(),
          a.reply().encode(),
          a.logLevel());
    }
  }

  private static Edges answer(Throwable failure) {
    return Edges.of(Answer.of(failure));
  }

  @Test
  void invalidArgument() {
    assertThat(answer(ApiException.invalid("content is required")))
        .isEqualTo(
            new Edges(
                400,
                null,
                "{\"error\":{\"code\":\"invalid_argument\",\"message\":\"content is required\"}}",
                "{\"type\":\"error\",\"id\":\"f1\",\"data\":{\"code\":\"invalid_argument\","
                    + "\"message\":\"content is required\"}}",
                "{\"error\":{\"code\":\"invalid_argument\",\"message\":\"content is required\"}}",
                Level.DEBUG));
  }

  @Test
  void unauthenticatedForbiddenNotFoundTooLargeAndConflictKeepTheirStatus() {
    assertThat(answer(ApiException.unauthenticated("token expired")).status()).isEqualTo(401);
    assertThat(answer(ApiException.forbidden("only the owner")).status()).isEqualTo(403);
    assertThat(answer(ApiException.notFound("conversation not found")).status()).isEqualTo(404);
    assertThat(answer(new ApiException(ErrorCode.CONFLICT, "already")).status()).isEqualTo(409);
    assertThat(answer(ApiException.tooLarge("over 25 MiB")))
        .isEqualTo(
            new Edges(
                413,
                null,
                "{\"error\":{\"code\":\"too_large\",\"message\":\"over 25 MiB\"}}",
                "{\"type\":\"error\",\"id\":\"f1\",\"data\":{\"code\":\"too_large\","
                    + "\"message\":\"over 25 MiB\"}}",
                "{\"error\":{\"code\":\"too_large\",\"message\":\"over 25 MiB\"}}",
                Level.DEBUG));
  }

  @Test
  void rateLimitedSaysWhenExactlyOnFramesAndRepliesAndInWholeSecondsOnRest() {
    assertThat(answer(new ApiException(ErrorCode.RATE_LIMITED, "slow down", 1500L, null)))
        .isEqualTo(
            new Edges(
                429,
                "2",
                "{\"error\":{\"code\":\"rate_limited\",\"message\":\"slow down\"}}",
                "{\"type\":\"error\",\"id\":\"f1\",\"data\":{\"code\":\"rate_limited\","
                    + "\"message\":\"slow down\",\"retry_after_ms\":1500}}",
                "{\"error\":{\"code\":\"rate_limited\",\"message\":\"slow down\","
                    + "\"retry_after_ms\":1500}}",
                Level.DEBUG));
    assertThat(answer(new ApiException(ErrorCode.RATE_LIMITED, "x", 10L, null)).retryAfter())
        .as("never Retry-After: 0")
        .isEqualTo("1");
  }

  @Test
  void unavailableIsRetriedAfterASecondAndLoggedAsAWarning() {
    assertThat(
            answer(
                ApiException.unavailable(
                    "the database is unavailable; retry shortly", new ConnectException("refused"))))
        .isEqualTo(
            new Edges(
                503,
                "1",
                "{\"error\":{\"code\":\"unavailable\","
                    + "\"message\":\"the database is unavailable; retry shortly\"}}",
                "{\"type\":\"error\",\"id\":\"f1\",\"data\":{\"code\":\"unavailable\","
                    + "\"message\":\"the database is unavailable; retry shortly\"}}",
                "{\"error\":{\"code\":\"unavailable\","
                    + "\"message\":\"the database is unavailable; retry shortly\"}}",
                Level.WARN));
  }

  @Test
  void aDatabaseThatCannotAnswerIsUnavailable() throws Exception {
    Throwable shutdown =
        Failures.database(new PgException("terminating connection", "FATAL", "57P01", null))
            .cause();
    assertThat(answer(shutdown).status()).isEqualTo(503);
    assertThat(answer(shutdown).logLevel()).isEqualTo(Level.WARN);
    Throwable refused = Failures.database(new ConnectException("refused")).cause();
    assertThat(answer(refused).restBody()).contains("\"unavailable\"");
  }

  @Test
  void anUnexpectedFailureTellsTheCallerNothingOfItsCauseAndIsLoggedWithItsStack() {
    IllegalStateException bug = new IllegalStateException("secret table name in here");
    assertThat(answer(bug))
        .isEqualTo(
            new Edges(
                500,
                null,
                "{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}",
                "{\"type\":\"error\",\"id\":\"f1\",\"data\":{\"code\":\"internal\","
                    + "\"message\":\"internal error\"}}",
                "{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}",
                Level.ERROR));
    assertThat(Answer.of(bug).cause()).isSameAs(bug);
    assertThat(
            answer(
                    Failures.database(new PgException("syntax error", "ERROR", "42601", null))
                        .cause())
                .status())
        .as("a database failure that is not an outage is a bug of ours")
        .isEqualTo(500);
  }

  @Test
  void aFrameWithoutAnIdIsAnsweredWithoutOne() {
    assertThat(Answer.of(ApiException.invalid("the frame is not valid JSON")).frame(null).encode())
        .isEqualTo(
            "{\"type\":\"error\",\"data\":{\"code\":\"invalid_argument\","
                + "\"message\":\"the frame is not valid JSON\"}}");
  }

  @Test
  void whatTheHttpLayerRefusesByItselfKeepsItsStatus() {
    assertThat(Answer.ofHttpStatus(405).httpStatus()).isEqualTo(405);
    assertThat(Answer.ofHttpStatus(405).restBody().encode())
        .isEqualTo(
            "{\"error\":{\"code\":\"invalid_argument\","
                + "\"message\":\"method not allowed on this route\"}}");
    assertThat(Answer.ofHttpStatus(403).restBody().encode())
        .isEqualTo(
            "{\"error\":{\"code\":\"forbidden\","
                + "\"message\":\"this request's Origin is not allowed\"}}");
    assertThat(Answer.ofHttpStatus(404).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(Answer.ofHttpStatus(413).code()).isEqualTo(ErrorCode.TOO_LARGE);
    assertThat(Answer.ofHttpStatus(418).httpStatus()).isEqualTo(500);
    assertThat(Answer.ofHttpStatus(418).retryAfterHeader()).isNull();
  }

  @Test
  void everyErrorAnswerOfTheGatewayIsMadeHere() {
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName(Answer.class.getName())
        .should()
        .callMethodWhere(target(owner(type(Frames.class))).and(target(nameMatching("error.*"))))
        .because("failures become answers in one place, Answer, for REST, WebSocket and NATS")
        .check(
            new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.parley.gateway"));
  }
}
