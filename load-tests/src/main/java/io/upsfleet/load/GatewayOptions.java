package io.upsfleet.load;

import io.upsfleet.api.client.UpsfleetClient;
import java.net.InetSocketAddress;
import java.net.URI;
import picocli.CommandLine.Option;

/** Options shared by the commands that talk to a gateway. */
class GatewayOptions {
  @Option(
      names = "--gateway",
      description = "gateway HTTP base URL (default ${DEFAULT-VALUE})",
      defaultValue = "http://127.0.0.1:8080")
  URI gateway;

  @Option(
      names = "--mqtt",
      description = "MQTT host:port of the target (default ${DEFAULT-VALUE})",
      defaultValue = "127.0.0.1:1883")
  String mqtt;

  @Option(
      names = "--user",
      description = "support user (default ${DEFAULT-VALUE})",
      defaultValue = "support")
  String user;

  @Option(
      names = "--password",
      description = "its password (or env UPSFLEET_LOAD_PASSWORD)",
      defaultValue = "${env:UPSFLEET_LOAD_PASSWORD}")
  String password;

  InetSocketAddress mqttAddress() {
    return parseHostPort(mqtt, "--mqtt");
  }

  static InetSocketAddress parseHostPort(String value, String option) {
    int colon = value.lastIndexOf(':');
    int port;
    try {
      port = colon < 0 ? -1 : Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (colon <= 0 || port < 1 || port > 65535) {
      throw new IllegalArgumentException(option + " must be host:port, not " + value);
    }
    return new InetSocketAddress(value.substring(0, colon), port);
  }

  UpsfleetClient signIn() {
    if (password == null || password.isBlank()) {
      throw new IllegalArgumentException("--password (or UPSFLEET_LOAD_PASSWORD) is required");
    }
    UpsfleetClient c = new UpsfleetClient(gateway);
    c.signIn(user, password);
    return c;
  }
}
