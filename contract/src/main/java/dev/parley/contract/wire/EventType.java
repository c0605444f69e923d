package dev.parley.contract.wire;

/** The {@code type} of every frame and event in docs/api.md#websocket, spelled once. */
public final class EventType {
  // client -> server
  public static final String MESSAGE_SEND = "message.send";
  public static final String TYPING_START = "typing.start";
  public static final String TYPING_STOP = "typing.stop";
  public static final String PRESENCE_UPDATE = "presence.update";
  public static final String MESSAGE_READ = "message.read";

  // server -> client
  public static final String ACK = "ack";
  public static final String ERROR = "error";
  public static final String MESSAGE_NEW = "message.new";
  public static final String MESSAGE_UPDATED = "message.updated";
  public static final String MESSAGE_DELETED = "message.deleted";
  public static final String REACTION_ADDED = "reaction.added";
  public static final String REACTION_REMOVED = "reaction.removed";
  public static final String TYPING_INDICATOR = "typing.indicator";
  public static final String PRESENCE_CHANGED = "presence.changed";
  public static final String READ_RECEIPT = "message.read_receipt";
  public static final String CONVERSATION_CREATED = "conversation.created";
  public static final String CONVERSATION_UPDATED = "conversation.updated";
  public static final String CONVERSATION_DELETED = "conversation.deleted";
  public static final String MEMBER_ADDED = "member.added";
  public static final String MEMBER_REMOVED = "member.removed";

  private EventType() {}
}
