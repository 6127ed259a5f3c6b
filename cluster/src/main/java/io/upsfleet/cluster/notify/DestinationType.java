package io.upsfleet.cluster.notify;

import java.util.Optional;

/** The kinds of notification destination. */
public enum DestinationType {
  /** An e-mail address. */
  EMAIL,
  /** A Slack incoming webhook (Block Kit message). */
  SLACK,
  /** A Microsoft Teams Workflows webhook (Adaptive Card in an {@code attachments} envelope). */
  TEAMS,
  /** A generic HTTPS endpoint receiving signed JSON. */
  WEBHOOK;

  public static Optional<DestinationType> fromName(String name) {
    for (DestinationType t : values()) if (t.name().equals(name)) return Optional.of(t);
    return Optional.empty();
  }

  /** Whether the target is a URL (all but e-mail). */
  public boolean http() {
    return this != EMAIL;
  }
}
