package dev.parley.contract;

/**
 * Every NATS subject Parley uses, in one place, so no subject is spelled twice.
 *
 * <p>Durable events are written to the stream on {@code <p>.stream.conv.<id>.msg} (messages) and
 * {@code <p>.stream.conv.<id>.event} (every other durable event). Keeping messages on their own
 * subject makes the stream's per-subject "last sequence" the previous <em>message</em>, which is
 * exactly {@code prev_seq}. The stream republishes each stored entry to
 * {@code <p>.fanout.conv.<id>.<msg|event>} with its sequence headers; gateways fan out from there.
 *
 * <p>With several partitions ({@code PARLEY_STREAM_PARTITIONS=n}), partition {@code i}'s stream
 * captures {@code <p>.stream.p<i>of<n>.conv.*.*} (n in the token: the streams of two counts never
 * overlap, so a change of n is a change of streams), and the writer puts the partition token in the
 * subject ({@link Partitioning#partitionOf}): nats-server 2.9 cannot hash a subject into a stream
 * without an account mapping in its own configuration. The republished subjects, and every public
 * subject, are the same whatever the number of partitions.
 *
 * @param partitions how many streams conversations are spread over (1: the single stream, with
 *     the subjects it always had)
 */
public record Subjects(String prefix, int partitions) {

  public static final String MESSAGE_KIND = "msg";
  public static final String EVENT_KIND = "event";

  /** The subjects of a deployment with one stream. */
  public Subjects(String prefix) {
    this(prefix, 1);
  }

  public Subjects {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, not " + partitions);
    }
  }

  /** The partition holding a conversation. */
  public int partitionOf(String conversationId) {
    return Partitioning.partitionOf(conversationId, partitions);
  }

  /** The partition of a stream or fan-out subject ({@code <p>.….conv.<id>.<kind>}). */
  public int partitionOfSubject(String subject) {
    return partitionOf(conversationOf(subject));
  }

  /** Stream subject of a conversation's messages. */
  public String streamMessages(String conversationId) {
    return streamConversationRoot(conversationId) + MESSAGE_KIND;
  }

  /** Stream subject of a conversation's other durable events (edits, reactions, membership...). */
  public String streamEvents(String conversationId) {
    return streamConversationRoot(conversationId) + EVENT_KIND;
  }

  /** Everything the stream stores of one conversation, messages and other events. */
  public String streamConversation(String conversationId) {
    return streamConversationRoot(conversationId) + "*";
  }

  private String streamConversationRoot(String conversationId) {
    return streamRoot(partitionOf(conversationId)) + conversationId + ".";
  }

  private String streamRoot(int partition) {
    return partitions == 1
        ? prefix + ".stream.conv."
        : prefix + ".stream.p" + partition + "of" + partitions + ".conv.";
  }

  /** Everything the stream of one partition stores. */
  public String streamWildcard(int partition) {
    return streamRoot(partition) + "*.*";
  }

  /** Everything the stream stores (the one partition's, with one partition). */
  public String streamWildcard() {
    if (partitions != 1) {
      throw new IllegalStateException(
          "with " + partitions + " partitions, name the partition: streamWildcard(int)");
    }
    return streamWildcard(0);
  }

  /** Every stream subject of every partition, whatever their number: to find a deployment's streams. */
  public String allStreamSubjects() {
    return prefix + ".stream.>";
  }

  /**
   * Where a partition's stream republishes each stored entry (a subject transform of {@link
   * #streamWildcard(int)}): the same subjects for every partition.
   */
  public String republishDestination() {
    return prefix + ".fanout.conv.{{wildcard(1)}}.{{wildcard(2)}}";
  }

  /** What a gateway subscribes to for one conversation. */
  public String fanout(String conversationId) {
    return prefix + ".fanout.conv." + conversationId + ".*";
  }

  /**
   * Public, per docs/api.md#nats-subjects-for-integrators: every durable event of a conversation,
   * for integrators, in seq order. The persistence workers' relay publishes here (core NATS) the
   * exact frame WebSocket clients get.
   */
  public String conversationEvents(String conversationId) {
    return prefix + ".conv." + conversationId + ".events";
  }

  /** Every conversation's durable events: what an integrator watching everything subscribes to. */
  public String allConversationEvents() {
    return prefix + ".conv.*.events";
  }

  /** Public, per docs/api.md#nats-subjects-for-integrators: ephemeral typing indicators. */
  public String typing(String conversationId) {
    return prefix + ".conv." + conversationId + ".typing";
  }

  /** Public, per docs/api.md#nats-subjects-for-integrators: presence changes of one user. */
  public String presence(String userId) {
    return prefix + ".presence." + userId;
  }

  /** Every conversation's typing subject: a gateway subscribes once to all of them. */
  public String typingWildcard() {
    return prefix + ".conv.*.typing";
  }

  /**
   * Every user's presence subject. {@code >}, not {@code *}: a user id may contain dots, which
   * make it several subject tokens; read the user from the payload, not the subject.
   */
  public String presenceWildcard() {
    return prefix + ".presence.>";
  }

  /** Internal, request-reply: a user's status update (presence.update), answered by a presence node. */
  public String presenceStatusUpdates() {
    return prefix + ".internal.presence.status";
  }

  /** Internal, request-reply: the presence of a list of users, answered by a presence node. */
  public String presenceQueries() {
    return prefix + ".internal.presence.query";
  }

  /**
   * Public: request-reply send for bots and integrations without a WebSocket. Every gateway serves
   * it in one queue group, so each request is answered once.
   */
  public String apiMessagesSend() {
    return prefix + ".api.messages.send";
  }

  /** Internal: membership changes, so every gateway can (un)subscribe conversations for its connections. */
  public String membershipChanges() {
    return prefix + ".internal.membership";
  }

  /** Internal: a gateway reports a connection opened or closed. */
  public String presenceReports() {
    return prefix + ".internal.presence.report";
  }

  /** Internal: a gateway's periodic heartbeat with its live connection counts. */
  public String presenceHeartbeats() {
    return prefix + ".internal.presence.heartbeat";
  }

  /** Extracts the conversation id from a fanout or stream subject ({@code <p>.<x>.conv.<id>.<kind>}). */
  public String conversationOf(String subject) {
    int end = subject.lastIndexOf('.');
    int start = subject.lastIndexOf('.', end - 1);
    return subject.substring(start + 1, end);
  }

  /** {@code msg} or {@code event}: the last token of a fanout or stream subject. */
  public static String kindOf(String subject) {
    return subject.substring(subject.lastIndexOf('.') + 1);
  }
}
