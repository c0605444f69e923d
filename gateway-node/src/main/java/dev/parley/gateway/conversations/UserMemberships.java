package dev.parley.gateway.conversations;

import java.util.List;

/**
 * A user's live conversations ({@code all}), and those small enough to carry presence changes
 * ({@code small}, a subset of {@code all}).
 */
public record UserMemberships(List<String> all, List<String> small) {}
