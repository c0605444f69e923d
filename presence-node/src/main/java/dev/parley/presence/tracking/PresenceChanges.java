package dev.parley.presence.tracking;

import java.util.List;

/**
 * Users whose presence crossed zero because of one update: the input for publishing
 * {@code presence.changed} (a later step). Empty when nothing changed.
 */
public record PresenceChanges(List<String> wentOnline, List<String> wentOffline) {
  public static final PresenceChanges NONE = new PresenceChanges(List.of(), List.of());

  public PresenceChanges {
    wentOnline = List.copyOf(wentOnline);
    wentOffline = List.copyOf(wentOffline);
  }

  public boolean isEmpty() {
    return wentOnline.isEmpty() && wentOffline.isEmpty();
  }
}
