package dev.parley.worker.store;

import java.util.List;

/** What one transaction writes: messages to store and entries to dead-letter. */
public record StoreBatch(List<MessageRow> messages, List<DeadLetter> deadLetters) {

  public StoreBatch {
    messages = List.copyOf(messages);
    deadLetters = List.copyOf(deadLetters);
  }

  public static StoreBatch of(MessageRow message) {
    return new StoreBatch(List.of(message), List.of());
  }

  public static StoreBatch of(DeadLetter entry) {
    return new StoreBatch(List.of(), List.of(entry));
  }

  public boolean isEmpty() {
    return messages.isEmpty() && deadLetters.isEmpty();
  }

  public int size() {
    return messages.size() + deadLetters.size();
  }
}
