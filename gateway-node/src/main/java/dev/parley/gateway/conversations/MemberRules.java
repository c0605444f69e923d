package dev.parley.gateway.conversations;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Who may do what in a group, in one place (docs/api.md#conversations-and-members): owners and
 * admins edit the group and add members; an admin removes plain members only, never the owner or
 * another admin; anyone may leave; only the owner deletes the group and sets roles, and hands
 * ownership over by giving another member the owner role. No I/O: the callers load the members,
 * ask, and act.
 */
public final class MemberRules {
  private MemberRules() {}

  /** What a role {@code PUT} by the owner amounts to. */
  public enum RoleChange {
    /** The member has that role already: nothing to do. */
    UNCHANGED,
    /** The member gets the new role. */
    SET,
    /** The member becomes owner; the previous owner becomes admin. */
    HAND_OVER,
    /** The owner asked to step down without naming a successor: refused. */
    OWNER_MUST_HAND_OVER
  }

  public static boolean mayEditConversation(Role actor) {
    return actor == Role.OWNER || actor == Role.ADMIN;
  }

  public static boolean mayDeleteGroup(Role actor) {
    return actor == Role.OWNER;
  }

  public static boolean mayAddMembers(Role actor) {
    return actor == Role.OWNER || actor == Role.ADMIN;
  }

  /** Leaving is always allowed; the owner removes anyone; an admin removes plain members only. */
  public static boolean mayRemove(Role actor, Role target, boolean self) {
    if (self) {
      return true;
    }
    return switch (actor) {
      case OWNER -> true;
      case ADMIN -> target == Role.MEMBER;
      case MEMBER -> false;
    };
  }

  /** Someone else's message: the owner and admins may delete it (anyone may delete their own). */
  public static boolean mayDeleteOthersMessages(Role actor) {
    return actor == Role.OWNER || actor == Role.ADMIN;
  }

  public static boolean maySetRoles(Role actor) {
    return actor == Role.OWNER;
  }

  /** What the owner {@code ownerId} giving {@code target} the role {@code wanted} means. */
  public static RoleChange roleChange(String ownerId, Member target, Role wanted) {
    if (target.userId().equals(ownerId)) {
      return wanted == Role.OWNER ? RoleChange.UNCHANGED : RoleChange.OWNER_MUST_HAND_OVER;
    }
    if (target.role() == wanted) {
      return RoleChange.UNCHANGED;
    }
    return wanted == Role.OWNER ? RoleChange.HAND_OVER : RoleChange.SET;
  }

  /**
   * Who becomes owner when the owner leaves: the longest-standing admin, else the longest-standing
   * member (ties on the join time, as for a group's initial members, go by user id). Empty when
   * nobody is left: the group is deleted.
   */
  public static Optional<Member> successor(List<Member> remaining) {
    Comparator<Member> seniority =
        Comparator.comparing(Member::joinedAt).thenComparing(Member::userId);
    Optional<Member> admin = remaining.stream().filter(m -> m.role() == Role.ADMIN).min(seniority);
    return admin.isPresent()
        ? admin
        : remaining.stream().filter(m -> m.role() != Role.OWNER).min(seniority);
  }
}
