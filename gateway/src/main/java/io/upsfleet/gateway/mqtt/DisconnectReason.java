package io.upsfleet.gateway.mqtt;

import java.util.Locale;

/** Why the edge closed a connection; the metric label is the lower-case name. */
enum DisconnectReason {
  CLIENT_DISCONNECT,
  CONNECTION_CLOSED,
  CONNECT_TIMEOUT,
  KEEP_ALIVE_TIMEOUT,
  MALFORMED_PACKET,
  PROTOCOL_VIOLATION,
  UNSUPPORTED_QOS,
  INVALID_TOPIC,
  TOPIC_NOT_ALLOWED,
  REFUSED,
  TAKEN_OVER,
  THROTTLED,
  PERSIST_FAILED,
  SERVER_SHUTDOWN;

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
