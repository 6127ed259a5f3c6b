package io.upsfleet.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * Reads single values from a {@link Config} and turns every problem (missing key, wrong type) into
 * an {@link IllegalArgumentException} that names the full key, so settings fail fast at start-up.
 */
final class ConfigReader {

  private final Config root;

  ConfigReader(Config root) {
    this.root = root;
  }

  String string(String path) {
    try {
      return root.getString(path);
    } catch (ConfigException e) {
      throw invalid(path, e);
    }
  }

  int integer(String path) {
    try {
      return root.getInt(path);
    } catch (ConfigException e) {
      throw invalid(path, e);
    }
  }

  Duration duration(String path) {
    try {
      return root.getDuration(path);
    } catch (ConfigException e) {
      throw invalid(path, e);
    }
  }

  private static IllegalArgumentException invalid(String path, ConfigException e) {
    return new IllegalArgumentException(path + " is missing or invalid: " + e.getMessage(), e);
  }
}
