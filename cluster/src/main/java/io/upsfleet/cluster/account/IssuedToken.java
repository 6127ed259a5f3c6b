package io.upsfleet.cluster.account;

import java.time.Instant;

/** A bearer token as handed to its user, once; only its hash is stored. */
public record IssuedToken(
    String token, Instant expiresAt, Principal principal, boolean mustChangePassword) {
  public IssuedToken(String token, Instant expiresAt, Principal principal) {
    this(token, expiresAt, principal, false);
  }
}
