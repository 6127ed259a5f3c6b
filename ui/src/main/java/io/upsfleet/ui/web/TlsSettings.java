package io.upsfleet.ui.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code upsfleet.ui.tls.*}: the console's HTTPS, from the same PEM files as the gateway's; bound
 * once at start, a bad value stops the console naming the key.
 *
 * @param cert PEM certificate chain (env {@code UPSFLEET_TLS_CERT}); empty: no HTTPS
 * @param key PEM private key of the certificate (env {@code UPSFLEET_TLS_KEY}), given with cert
 * @param httpsPort HTTPS port (env {@code UPSFLEET_UI_HTTPS_PORT}, default 8444; 0 = any free port)
 * @param reloadInterval how often the files are checked for a renewed certificate (default 1m)
 */
@ConfigurationProperties("upsfleet.ui.tls")
public record TlsSettings(
    @DefaultValue("") String cert,
    @DefaultValue("") String key,
    @DefaultValue("8444") int httpsPort,
    @DefaultValue("1m") Duration reloadInterval) {

  public TlsSettings {
    if (cert.isBlank() != key.isBlank()) {
      throw new IllegalArgumentException(
          "upsfleet.ui.tls.cert and upsfleet.ui.tls.key (UPSFLEET_TLS_CERT / UPSFLEET_TLS_KEY)"
              + " must be set together");
    }
    if (!cert.isBlank() && !Files.isReadable(Path.of(cert))) {
      throw new IllegalArgumentException("upsfleet.ui.tls.cert is not a readable file: " + cert);
    }
    if (!key.isBlank() && !Files.isReadable(Path.of(key))) {
      throw new IllegalArgumentException("upsfleet.ui.tls.key is not a readable file: " + key);
    }
    if (httpsPort < 0 || httpsPort > 65535) {
      throw new IllegalArgumentException(
          "upsfleet.ui.tls.https-port must be 0..65535, was " + httpsPort);
    }
    if (reloadInterval.isNegative() || reloadInterval.isZero()) {
      throw new IllegalArgumentException(
          "upsfleet.ui.tls.reload-interval must be positive, was " + reloadInterval);
    }
  }

  /** Whether the console serves HTTPS. */
  public boolean enabled() {
    return !cert.isBlank();
  }
}
