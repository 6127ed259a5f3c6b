package io.upsfleet.ui;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.theme.Theme;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.ui.live.LiveUpdates;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The console's entry point and app shell: server push on (live values arrive without reloading),
 * the {@code upsfleet} theme (plain CSS, no frontend build), and the two shared beans every view
 * uses.
 */
@SpringBootApplication
@EnableConfigurationProperties(UiSettings.class)
@Push
@Theme("upsfleet")
public class ConsoleApplication implements AppShellConfigurator {

  public static void main(String[] args) {
    SpringApplication.run(ConsoleApplication.class, args);
  }

  /**
   * The api module's client, not signed in: it owns the connection pool that every session's client
   * ({@link UpsfleetClient#newSession()}) shares. Never sign in on this one.
   */
  @Bean
  UpsfleetClient gateway(UiSettings settings) {
    return new UpsfleetClient(
        settings.gatewayUrl(), settings.connectTimeout(), settings.requestTimeout());
  }

  @Bean(destroyMethod = "close")
  LiveUpdates liveUpdates(UiSettings settings) {
    return new LiveUpdates(settings.schedulerThreads());
  }
}
