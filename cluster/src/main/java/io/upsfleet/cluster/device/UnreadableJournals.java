package io.upsfleet.cluster.device;

import com.fasterxml.jackson.core.JacksonException;
import java.io.NotSerializableException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The device journals this node found unreadable (an event or snapshot that does not deserialize),
 * with the reason: such an entity is not replayed again and again; every command to it is refused
 * with the reason until support repairs the journal and restarts the node. Thread-safe; per node.
 */
final class UnreadableJournals {
  private final ConcurrentMap<String, String> reasons = new ConcurrentHashMap<>();

  void mark(String serial, String reason) {
    reasons.put(serial, reason);
  }

  /**
   * The behaviour answering every command of {@code serial} with a refusal, or null if readable.
   */
  Behavior<UpsDevice.Command> refusing(String serial) {
    String reason = reasons.get(serial);
    if (reason == null) return null;
    return Behaviors.receive(UpsDevice.Command.class)
        .onAnyMessage(
            c -> {
              Refusals.Answer<?> a = Refusals.unreadable(serial, reason, c);
              if (a != null) a.send();
              return Behaviors.same();
            })
        .build();
  }

  /** Whether a recovery failure comes from data that cannot be read (as opposed to a fault). */
  static boolean isUnreadable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof NotSerializableException
          || t instanceof JacksonException
          || t instanceof ClassNotFoundException
          || t instanceof IllegalArgumentException) {
        return true;
      }
    }
    return false;
  }
}
