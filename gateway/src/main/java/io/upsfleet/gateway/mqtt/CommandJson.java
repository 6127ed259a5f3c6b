package io.upsfleet.gateway.mqtt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upsfleet.cluster.operation.CommandMessage;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The JSON a device receives on {@code ups/{serial}/commands}: {@code
 * {"id","type","params":{…},"issuedAt","expiresAt"}}; integer-looking parameters are numbers,
 * {@code true}/{@code false} booleans, the rest strings.
 */
final class CommandJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern INTEGER = Pattern.compile("-?\\d{1,9}");

  private CommandJson() {}

  static byte[] render(CommandMessage c) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", c.id());
    root.put("type", c.type().name());
    ObjectNode params = root.putObject("params");
    for (Map.Entry<String, String> p : c.params().entrySet()) {
      String v = p.getValue();
      if (INTEGER.matcher(v).matches()) params.put(p.getKey(), Integer.parseInt(v));
      else if (v.equals("true") || v.equals("false"))
        params.put(p.getKey(), Boolean.parseBoolean(v));
      else params.put(p.getKey(), v);
    }
    root.put("issuedAt", c.issuedAt().toString());
    root.put("expiresAt", c.expiresAt().toString());
    try {
      return JSON.writeValueAsBytes(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
