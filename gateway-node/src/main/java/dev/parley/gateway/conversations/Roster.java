package dev.parley.gateway.conversations;

import dev.parley.gateway.conversations.ConversationLog.Locked;
import dev.parley.gateway.failure.ApiException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** A conversation's members as read under its lock, longest-standing first. */
record Roster(List<Member> members) {

  /** A change that needs the members and the caller's entry, read under the conversation's lock. */
  @FunctionalInterface
  interface Change<T> {
    Future<ConversationLog.Change<T>> apply(Locked locked, Roster roster, Member caller);
  }

  /**
   * The work of a {@link ConversationLog#change}: reads the roster under the lock and hands it, with
   * the caller's entry, to {@code work} (a caller who is not a member gets 404).
   */
  static <T> Function<Locked, Future<ConversationLog.Change<T>>> read(
      String callerId, Change<T> work) {
    return locked ->
        ConversationStore.roster(locked.conn(), locked.conversationId())
            .compose(members -> handOver(locked, members, callerId, work));
  }

  /**
   * As {@link #read}, but the roster holds only the entries of the caller and {@code userIds}: for
   * a change that looks at no one else (adding a member), so its cost does not grow with the group.
   * Its {@link #members} is then that part, not the whole list.
   */
  static <T> Function<Locked, Future<ConversationLog.Change<T>>> readEntries(
      String callerId, List<String> userIds, Change<T> work) {
    List<String> named = new ArrayList<>(userIds);
    named.add(callerId);
    return locked ->
        ConversationStore.namedMembers(locked.conn(), locked.conversationId(), named)
            .compose(members -> handOver(locked, members, callerId, work));
  }

  private static <T> Future<ConversationLog.Change<T>> handOver(
      Locked locked, List<Member> members, String callerId, Change<T> work) {
    Roster roster = new Roster(members);
    return work.apply(locked, roster, roster.caller(callerId));
  }

  /** The caller's entry; a caller who is not a member learns nothing (404, as for a missing conversation). */
  Member caller(String userId) {
    return find(userId).orElseThrow(() -> ApiException.notFound("conversation not found"));
  }

  /** The entry of the member a request names. */
  Member target(String userId) {
    return find(userId)
        .orElseThrow(() -> ApiException.notFound("no member " + userId + " in this conversation"));
  }

  Optional<Member> find(String userId) {
    return members.stream().filter(m -> m.userId().equals(userId)).findFirst();
  }

  List<Member> without(String userId) {
    List<Member> rest = new ArrayList<>(members);
    rest.removeIf(m -> m.userId().equals(userId));
    return rest;
  }

  List<String> userIds() {
    return members.stream().map(Member::userId).toList();
  }
}
