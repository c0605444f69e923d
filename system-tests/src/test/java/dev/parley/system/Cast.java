package dev.parley.system;

import dev.parley.testing.TestEnvironment;
import java.util.List;

/**
 * The people of most tests, each new to the test and signed in: alice owns a group with bob in it,
 * and carol is in it or not ({@link OnTwoNodes#cast}, {@link OnTwoNodes#castWithCarol}).
 */
record Cast(
    String conversationId,
    String alice,
    String aliceToken,
    String bob,
    String bobToken,
    String carol,
    String carolToken) {

  static Cast of(Api api, TestEnvironment env, String name, boolean carolIsMember) {
    String alice = env.newId("alice");
    String bob = env.newId("bob");
    String carol = env.newId("carol");
    String aliceToken = api.devToken(alice);
    String bobToken = api.devToken(bob);
    String carolToken = api.devToken(carol);
    String conversationId =
        api.createGroup(aliceToken, name, carolIsMember ? List.of(bob, carol) : List.of(bob))
            .getString("id");
    return new Cast(conversationId, alice, aliceToken, bob, bobToken, carol, carolToken);
  }
}
