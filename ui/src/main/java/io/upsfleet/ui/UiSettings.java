package io.upsfleet.ui;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code upsfleet.ui.*}, bound once at start (a bad value stops the console naming the key).
 *
 * @param gatewayUrl base URL of the gateway's HTTP API (env {@code UPSFLEET_GATEWAY_URL}, default
 *     {@code http://127.0.0.1:8080})
 * @param connectTimeout TCP connect timeout to the gateway (default 5 s)
 * @param requestTimeout longest wait for one API answer (default 15 s)
 * @param liveInterval how often an open device page refreshes its live values (default 2 s)
 * @param schedulerThreads threads of the one scheduler shared by all sessions (default 4)
 */
@Validated
@ConfigurationProperties("upsfleet.ui")
public record UiSettings(
    @DefaultValue("http://127.0.0.1:8080") URI gatewayUrl,
    @DefaultValue("5s") Duration connectTimeout,
    @DefaultValue("15s") Duration requestTimeout,
    @DefaultValue("2s") Duration liveInterval,
    @DefaultValue("4") int schedulerThreads) {

  public UiSettings {
    if (gatewayUrl == null || gatewayUrl.getScheme() == null || gatewayUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "upsfleet.ui.gateway-url must be an absolute http(s) URL, was " + gatewayUrl);
    }
    if (liveInterval.isNegative() || liveInterval.toMillis() < 200) {
      throw new IllegalArgumentException(
          "upsfleet.ui.live-interval must be at least 200ms, was " + liveInterval);
    }
    if (schedulerThreads < 1 || schedulerThreads > 64) {
      throw new IllegalArgumentException(
          "upsfleet.ui.scheduler-threads must be 1..64, was " + schedulerThreads);
    }
  }
}
