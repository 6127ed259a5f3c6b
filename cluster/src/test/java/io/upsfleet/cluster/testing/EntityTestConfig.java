package io.upsfleet.cluster.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/** The configuration entity tests run under. */
public final class EntityTestConfig {
  private EntityTestConfig() {}

  /**
   * The testkit's in-memory journal and snapshot store, the serialization settings of {@code
   * upsfleet-cluster.conf} (its JDBC persistence plugins and projection settings removed), and a
   * local provider instead of the cluster one.
   */
  public static Config testkit() {
    return testkit("pekko.actor.provider = local");
  }

  /** Like {@link #testkit()}, with {@code overrides} (HOCON) on top. */
  public static Config testkit(String overrides) {
    Config upsfleet =
        ConfigFactory.parseResources(
                EntityTestConfig.class.getClassLoader(),
                "upsfleet-cluster.conf",
                ConfigParseOptions.defaults().setAllowMissing(false))
            .withoutPath("pekko.persistence")
            .withoutPath("pekko.projection");
    return ConfigFactory.load(
        ConfigFactory.parseString(overrides)
            .withFallback(EventSourcedBehaviorTestKit.config())
            .withFallback(upsfleet));
  }
}
