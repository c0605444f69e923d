package dev.parley.gateway.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.gateway.conversations.MemberRules.RoleChange;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemberRulesUnitTests {
  private static final OffsetDateTime T0 = OffsetDateTime.parse("2026-01-01T10:00:00Z");

  private static Member member(String id, Role role, int minutesAfterStart) {
    return new Member(id, role, null, T0.plusMinutes(minutesAfterStart));
  }

  @Test
  void ownersAndAdminsEditTheGroupAndAddMembersPlainMembersDoNot() {
    assertThat(MemberRules.mayEditConversation(Role.OWNER)).isTrue();
    assertThat(MemberRules.mayEditConversation(Role.ADMIN)).isTrue();
    assertThat(MemberRules.mayEditConversation(Role.MEMBER)).isFalse();
    assertThat(MemberRules.mayAddMembers(Role.OWNER)).isTrue();
    assertThat(MemberRules.mayAddMembers(Role.ADMIN)).isTrue();
    assertThat(MemberRules.mayAddMembers(Role.MEMBER)).isFalse();
  }

  @Test
  void onlyTheOwnerDeletesTheGroupAndSetsRoles() {
    assertThat(MemberRules.mayDeleteGroup(Role.OWNER)).isTrue();
    assertThat(MemberRules.mayDeleteGroup(Role.ADMIN)).isFalse();
    assertThat(MemberRules.mayDeleteGroup(Role.MEMBER)).isFalse();
    assertThat(MemberRules.maySetRoles(Role.OWNER)).isTrue();
    assertThat(MemberRules.maySetRoles(Role.ADMIN)).isFalse();
    assertThat(MemberRules.maySetRoles(Role.MEMBER)).isFalse();
  }

  @Test
  void anAdminRemovesPlainMembersButNotTheOwnerOrAnotherAdmin() {
    assertThat(MemberRules.mayRemove(Role.ADMIN, Role.MEMBER, false)).isTrue();
    assertThat(MemberRules.mayRemove(Role.ADMIN, Role.ADMIN, false)).isFalse();
    assertThat(MemberRules.mayRemove(Role.ADMIN, Role.OWNER, false)).isFalse();
  }

  @Test
  void theOwnerRemovesAnyoneAPlainMemberNobody() {
    assertThat(MemberRules.mayRemove(Role.OWNER, Role.ADMIN, false)).isTrue();
    assertThat(MemberRules.mayRemove(Role.OWNER, Role.MEMBER, false)).isTrue();
    assertThat(MemberRules.mayRemove(Role.MEMBER, Role.MEMBER, false)).isFalse();
    assertThat(MemberRules.mayRemove(Role.MEMBER, Role.ADMIN, false)).isFalse();
  }

  @Test
  void everyoneMayLeave() {
    for (Role r : Role.values()) {
      assertThat(MemberRules.mayRemove(r, r, true)).as(r.wire()).isTrue();
    }
  }

  @Test
  void roleChangesByTheOwner() {
    Member bob = member("bob", Role.MEMBER, 1);
    Member carol = member("carol", Role.ADMIN, 2);
    Member owner = member("alice", Role.OWNER, 0);
    assertThat(MemberRules.roleChange("alice", bob, Role.ADMIN)).isEqualTo(RoleChange.SET);
    assertThat(MemberRules.roleChange("alice", carol, Role.MEMBER)).isEqualTo(RoleChange.SET);
    assertThat(MemberRules.roleChange("alice", carol, Role.ADMIN)).isEqualTo(RoleChange.UNCHANGED);
    assertThat(MemberRules.roleChange("alice", bob, Role.OWNER)).isEqualTo(RoleChange.HAND_OVER);
    assertThat(MemberRules.roleChange("alice", owner, Role.OWNER)).isEqualTo(RoleChange.UNCHANGED);
    assertThat(MemberRules.roleChange("alice", owner, Role.ADMIN))
        .isEqualTo(RoleChange.OWNER_MUST_HAND_OVER);
    assertThat(MemberRules.roleChange("alice", owner, Role.MEMBER))
        .isEqualTo(RoleChange.OWNER_MUST_HAND_OVER);
  }

  @Test
  void theLongestStandingAdminSucceedsTheOwnerEvenOverOlderMembers() {
    List<Member> remaining =
        List.of(
            member("old-member", Role.MEMBER, 1),
            member("new-admin", Role.ADMIN, 9),
            member("older-admin", Role.ADMIN, 5));
    assertThat(MemberRules.successor(remaining)).map(Member::userId).contains("older-admin");
  }

  @Test
  void withoutAdminsTheLongestStandingMemberSucceedsTiesGoByUserId() {
    List<Member> remaining =
        List.of(
            member("zed", Role.MEMBER, 3),
            member("bea", Role.MEMBER, 3),
            member("late", Role.MEMBER, 7));
    assertThat(MemberRules.successor(remaining)).map(Member::userId).contains("bea");
  }

  @Test
  void nobodyLeftNoSuccessor() {
    assertThat(MemberRules.successor(List.of())).isEmpty();
  }

  @Test
  void rolesParseTheirWireNamesOnly() {
    assertThat(Role.parse("owner")).isEqualTo(Role.OWNER);
    assertThat(Role.parse("admin")).isEqualTo(Role.ADMIN);
    assertThat(Role.parse("member")).isEqualTo(Role.MEMBER);
    assertThat(Role.parse("ADMIN")).isNull();
    assertThat(Role.parse("root")).isNull();
  }
}
