package dev.parley.worker.store;

import java.util.List;

/** What one transaction writes: messages to store and entries to set aside. */
public record StoreBatch(List<MessageRow> messages, List<Undeliverable> undeliverable) {

  public StoreBatch {
    messages = List.copyOf(messages);
    undeliverable = List.copyOf(undeliverable);
  }

  public static StoreBatch of(MessageRow message) {
    return new StoreBatch(List.of(message), List.of());
  }

  public static StoreBatch of(Undeliverable entry) {
    return new StoreBatch(List.of(), List.of(entry));
  }

  public boolean isEmpty() {
    return messages.isEmpty() && undeliverable.isEmpty();
  }

  public int size() {
    return messages.size() + undeliverable.size();
  }
}
