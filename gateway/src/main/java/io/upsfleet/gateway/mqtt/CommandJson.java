package io.upsfleet.gateway.mqtt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.upsfleet.api.mqtt.CommandPayload;
import io.upsfleet.cluster.operation.CommandMessage;
import io.upsfleet.cluster.operation.Operation;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The typed operation of a {@link CommandMessage} as the device's {@link CommandPayload}: each
 * operation's parameters with their own JSON types.
 */
final class CommandJson {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private CommandJson() {}

  static CommandPayload payload(CommandMessage c) {
    return new CommandPayload(
        c.id(), c.type().name(), params(c.operation()), c.issuedAt(), c.expiresAt());
  }

  static byte[] render(CommandMessage c) {
    try {
      return JSON.writeValueAsBytes(payload(c));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> params(Operation op) {
    Map<String, Object> p = new LinkedHashMap<>();
    if (op instanceof Operation.OutletGroupReboot r) {
      p.put("group", r.group());
      p.put("offDelaySeconds", r.offDelaySeconds());
      p.put("onDelaySeconds", r.onDelaySeconds());
    } else if (op instanceof Operation.FirmwareUpgrade f) {
      p.put("version", f.version());
      p.put("loadUnprotected", f.loadUnprotected());
    } else if (op instanceof Operation.FirmwareOffer f) {
      p.put("version", f.version());
      p.put("loadUnprotected", f.loadUnprotected());
    } else if (op instanceof Operation.SetInputSensitivity s) {
      p.put("sensitivity", s.level().wireName());
    }
    return p;
  }
}
