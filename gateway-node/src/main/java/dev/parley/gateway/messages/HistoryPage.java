package dev.parley.gateway.messages;

import dev.parley.contract.wire.ChatMessage;
import java.util.List;

/** A page of history, oldest first; {@code hasMore} looks in the direction of travel. */
public record HistoryPage(List<ChatMessage> items, boolean hasMore) {}
