package dev.parley.gateway.auth;

/** Who is calling: the token's {@code sub} and optional {@code name}. */
public record AuthenticatedUser(String userId, String name) {}
