package io.upsfleet.persistence;

import com.typesafe.config.Config;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@code upsfleet.database.embedded} block: where the embedded server keeps its data and which
 * port it listens on. Validated on construction; errors name the configuration key.
 *
 * @param dataDirectory the persistent data directory
 * @param port TCP port on the loopback interface, 0 for any free port
 */
record EmbeddedSettings(Path dataDirectory, int port) {

  static final String CONFIG_PATH = DatabaseSettings.CONFIG_PATH + ".embedded";
  private static final int MAX_PORT = 65_535;

  EmbeddedSettings {
    Objects.requireNonNull(dataDirectory, CONFIG_PATH + ".data-dir must not be null");
    if (dataDirectory.toString().isBlank()) {
      throw new IllegalArgumentException(CONFIG_PATH + ".data-dir must not be empty");
    }
    if (port < 0 || port > MAX_PORT) {
      throw new IllegalArgumentException(
          CONFIG_PATH + ".port must be between 0 and " + MAX_PORT + ", was " + port);
    }
  }

  static EmbeddedSettings fromConfig(Config root) {
    ConfigReader config = new ConfigReader(root);
    String dataDir = config.string(CONFIG_PATH + ".data-dir");
    try {
      return new EmbeddedSettings(Path.of(dataDir), config.integer(CONFIG_PATH + ".port"));
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(
          CONFIG_PATH + ".data-dir is not a valid path: " + e.getMessage(), e);
    }
  }
}
