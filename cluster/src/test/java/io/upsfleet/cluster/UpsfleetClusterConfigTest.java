package io.upsfleet.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code UPSFLEET_SEED_NODES}: a comma-separated environment variable becomes {@code
 * pekko.cluster.seed-nodes}.
 */
class UpsfleetClusterConfigTest {

  private static Config load(Map<String, String> env) {
    return UpsfleetCluster.loadConfig(ConfigFactory.empty(), env);
  }

  @Test
  void withoutTheVariableTheConfiguredSeedNodesStay() {
    assertThat(load(Map.of()).getStringList("pekko.cluster.seed-nodes")).isEmpty();
    assertThat(load(Map.of("UPSFLEET_SEED_NODES", "  ")).getStringList("pekko.cluster.seed-nodes"))
        .isEmpty();
    Config app =
        ConfigFactory.parseString(
            "pekko.cluster.seed-nodes = [\"pekko://upsfleet@10.0.0.9:25520\"]");
    assertEquals(
        List.of("pekko://upsfleet@10.0.0.9:25520"),
        UpsfleetCluster.loadConfig(app, Map.of()).getStringList("pekko.cluster.seed-nodes"));
  }

  @Test
  void theVariableBecomesTheSeedNodeListInItsOrder() {
    Config c =
        load(
            Map.of(
                "UPSFLEET_SEED_NODES",
                "pekko://upsfleet@127.0.0.1:25520, pekko://upsfleet@127.0.0.1:25521 ,pekko://upsfleet@[::1]:25522"));
    assertEquals(
        List.of(
            "pekko://upsfleet@127.0.0.1:25520",
            "pekko://upsfleet@127.0.0.1:25521",
            "pekko://upsfleet@[::1]:25522"),
        c.getStringList("pekko.cluster.seed-nodes"));
    // the rest of the configuration is untouched and resolved
    assertEquals("cluster", c.getString("pekko.actor.provider"));
  }

  @Test
  void theVariableWinsOverConfiguredSeedNodes() {
    Config app =
        ConfigFactory.parseString(
            "pekko.cluster.seed-nodes = [\"pekko://upsfleet@10.0.0.9:25520\"]");
    Config c =
        UpsfleetCluster.loadConfig(
            app, Map.of("UPSFLEET_SEED_NODES", "pekko://upsfleet@node-a.example:25520"));
    assertEquals(
        List.of("pekko://upsfleet@node-a.example:25520"),
        c.getStringList("pekko.cluster.seed-nodes"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "upsfleet@127.0.0.1:25520",
        "akka://upsfleet@127.0.0.1:25520",
        "127.0.0.1:25520",
        "pekko.tcp://upsfleet@127.0.0.1:25520"
      })
  void anEntryWithoutThePekkoSchemeIsRefusedByName(String entry) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> load(Map.of("UPSFLEET_SEED_NODES", "pekko://upsfleet@127.0.0.1:25521," + entry)));
    assertThat(e.getMessage()).contains("UPSFLEET_SEED_NODES", "'" + entry + "'", "pekko://");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "pekko://upsfleet@127.0.0.1",
        "pekko://upsfleet@127.0.0.1:port",
        "pekko://127.0.0.1:25520",
        "pekko://upsfleet@127.0.0.1:99999",
        "pekko://upsfleet@127.0.0.1:25520/user/x"
      })
  void aMalformedAddressIsRefusedByName(String entry) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> load(Map.of("UPSFLEET_SEED_NODES", entry)));
    assertThat(e.getMessage())
        .contains("UPSFLEET_SEED_NODES", "'" + entry + "'", "pekko://<system>@<host>:<port>");
  }

  @Test
  void anEmptyEntryIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                load(
                    Map.of(
                        "UPSFLEET_SEED_NODES",
                        "pekko://upsfleet@127.0.0.1:25520,,pekko://upsfleet@127.0.0.1:25521")));
    assertThat(e.getMessage()).contains("UPSFLEET_SEED_NODES", "empty entry");
  }

  @Test
  void anotherActorSystemNameIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> load(Map.of("UPSFLEET_SEED_NODES", "pekko://other@127.0.0.1:25520")));
    assertThat(e.getMessage()).contains("UPSFLEET_SEED_NODES", "'other'", "'upsfleet'");
  }
}
