package io.upsfleet.ui;

import java.net.URI;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The console in this JVM on a free port, talking to {@code gateway}, with a 1-s live interval (the
 * browser tests wait for pushed values). {@link #url()} ends with a slash.
 */
record RunningConsole(ConfigurableApplicationContext context, String url) implements AutoCloseable {

  static RunningConsole start(URI gateway) {
    ConfigurableApplicationContext c =
        SpringApplication.run(
            ConsoleApplication.class,
            "--server.port=0",
            "--upsfleet.ui.gateway-url=" + gateway,
            "--upsfleet.ui.live-interval=1s");
    return new RunningConsole(
        c, "http://127.0.0.1:" + c.getEnvironment().getProperty("local.server.port") + "/");
  }

  @Override
  public void close() {
    context.close();
  }
}
