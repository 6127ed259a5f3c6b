package io.upsfleet.cluster.notify;

import java.time.Instant;
import java.util.List;

/**
 * One notification as stored in the outbox, before it is rendered for a channel. Every string may
 * hold device-supplied text: renderers escape it for their channel.
 *
 * @param kind {@code EVENT}, {@code BLIP}, {@code FLAPPING}, {@code INCIDENT_OPENED}, {@code
 *     INCIDENT_UPDATED}, {@code INCIDENT_RESOLVED}, {@code TEST}
 * @param title one line
 * @param severity {@code INFO}, {@code WARNING} or {@code CRITICAL}
 * @param lines further lines of text
 * @param serial the device, or null
 * @param site the site's name, or null
 * @param eventType the event type of an {@code EVENT}, or null
 * @param at when it happened
 */
public record Message(
    String kind,
    String title,
    String severity,
    List<String> lines,
    String serial,
    String site,
    String eventType,
    Instant at) {

  public Message {
    lines = lines == null ? List.of() : List.copyOf(lines);
  }
}
