package io.upsfleet.ui.web;

import jakarta.servlet.SessionCookieConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Wires the console's hardening: the security headers on every answer, and with a certificate an
 * HTTPS connector (TLS 1.2 and 1.3 only) beside the plain port, whose certificate is reloaded when
 * its files change, and {@code Secure} session cookies.
 */
@Configuration
@EnableConfigurationProperties(TlsSettings.class)
public class WebHardening {
  private static final Logger log = LoggerFactory.getLogger(WebHardening.class);

  @Bean
  FilterRegistrationBean<SecurityHeaders> securityHeaders(TlsSettings tls) {
    FilterRegistrationBean<SecurityHeaders> r =
        new FilterRegistrationBean<>(new SecurityHeaders(tls.enabled() ? tls.httpsPort() : 0));
    r.setOrder(Ordered.HIGHEST_PRECEDENCE);
    r.addUrlPatterns("/*");
    return r;
  }

  /** With HTTPS on, the session cookie is {@code Secure} (plain requests are redirected). */
  @Bean
  ServletContextInitializer secureCookies(TlsSettings tls) {
    return ctx -> {
      SessionCookieConfig c = ctx.getSessionCookieConfig();
      c.setHttpOnly(true);
      if (tls.enabled()) c.setSecure(true);
    };
  }

  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> httpsConnector(TlsSettings tls) {
    return factory -> {
      if (!tls.enabled()) return;
      Connector https = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
      https.setPort(tls.httpsPort());
      https.setScheme("https");
      https.setSecure(true);
      https.setProperty("SSLEnabled", "true");
      SSLHostConfig host = new SSLHostConfig();
      host.setProtocols("TLSv1.2+TLSv1.3");
      SSLHostConfigCertificate cert =
          new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.UNDEFINED);
      cert.setCertificateFile(Path.of(tls.cert()).toAbsolutePath().toString());
      cert.setCertificateKeyFile(Path.of(tls.key()).toAbsolutePath().toString());
      host.addCertificate(cert);
      https.addSslHostConfig(host);
      factory.addAdditionalTomcatConnectors(https);
      watch(https, tls);
      log.info("console HTTPS on port {}", tls.httpsPort());
    };
  }

  /** Reloads the connector's certificate when either PEM file changes (checked periodically). */
  private static void watch(Connector https, TlsSettings tls) {
    ScheduledExecutorService s =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "console-tls-reload");
              t.setDaemon(true);
              return t;
            });
    FileTime[] seen = {modified(tls)};
    long every = tls.reloadInterval().toMillis();
    s.scheduleWithFixedDelay(
        () -> {
          FileTime now = modified(tls);
          if (now == null || now.equals(seen[0])) return;
          seen[0] = now;
          if (https.getProtocolHandler() instanceof AbstractHttp11Protocol<?> p) {
            try {
              p.reloadSslHostConfigs();
              log.info("console HTTPS certificate reloaded from {}", tls.cert());
            } catch (RuntimeException e) {
              log.warn("console HTTPS certificate could not be reloaded; keeping the old one", e);
            }
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  private static FileTime modified(TlsSettings tls) {
    try {
      FileTime c = Files.getLastModifiedTime(Path.of(tls.cert()));
      FileTime k = Files.getLastModifiedTime(Path.of(tls.key()));
      return c.compareTo(k) > 0 ? c : k;
    } catch (IOException e) {
      return null;
    }
  }
}
