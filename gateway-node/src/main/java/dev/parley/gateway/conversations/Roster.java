package dev.parley.gateway.conversations;

import dev.parley.gateway.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A conversation's members as read under its lock, longest-standing first. */
record Roster(List<Member> members) {

  /** The caller's entry; a caller who is not a member learns nothing (404, as for a missing conversation). */
  Member caller(String userId) {
    return find(userId).orElseThrow(() -> ApiException.notFound("conversation not found"));
  }

  /** The entry of the member a request names. */
  Member target(String userId) {
    return find(userId).orElseThrow(() -> ApiException.notFound("no member " + userId + " in this conversation"));
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
