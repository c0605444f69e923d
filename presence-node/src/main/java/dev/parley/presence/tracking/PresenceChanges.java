package dev.parley.presence.tracking;

import dev.parley.contract.presence.PresenceState;
import java.util.List;

/**
 * What one update changed: users who came online (to announce, each with the status and time of
 * the change), and users whose last connection went away (offline once their grace period ends,
 * unless they return first). Empty when nothing changed.
 */
public record PresenceChanges(List<PresenceState> wentOnline, List<String> wentAway) {
  public static final PresenceChanges NONE = new PresenceChanges(List.of(), List.of());

  public PresenceChanges {
    wentOnline = List.copyOf(wentOnline);
    wentAway = List.copyOf(wentAway);
  }

  public boolean isEmpty() {
    return wentOnline.isEmpty() && wentAway.isEmpty();
  }
}
