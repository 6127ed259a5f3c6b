package io.upsfleet.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EmbeddedSettingsTest {

  private static Config config(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.parseResources("reference.conf"))
        .resolve(ConfigResolveOptions.noSystem());
  }

  @Test
  void keepsTheDataUnderTheNodeDataDirectoryOnAFreePortByDefault() {
    EmbeddedSettings settings = EmbeddedSettings.fromConfig(config(""));

    assertEquals(Path.of("./data/postgres"), settings.dataDirectory());
    assertEquals(0, settings.port());
  }

  @Test
  void followsTheNodeDataDirectory() {
    EmbeddedSettings settings = EmbeddedSettings.fromConfig(config("upsfleet.data-dir = /srv/ups"));

    assertEquals(Path.of("/srv/ups/postgres"), settings.dataDirectory());
  }

  @Test
  void rejectsAPortOutOfRangeNamingTheKey() {
    IllegalArgumentException failure =
        assertThrows(
            IllegalArgumentException.class,
            () -> EmbeddedSettings.fromConfig(config("upsfleet.database.embedded.port = 70000")));

    assertEquals(
        "upsfleet.database.embedded.port must be between 0 and 65535, was 70000",
        failure.getMessage());
  }

  @Test
  void rejectsAnEmptyDataDirectoryNamingTheKey() {
    IllegalArgumentException failure =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                EmbeddedSettings.fromConfig(config("upsfleet.database.embedded.data-dir = \"\"")));

    assertEquals("upsfleet.database.embedded.data-dir must not be empty", failure.getMessage());
  }
}
