package io.upsfleet.gateway.tls;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Typed settings of block {@code upsfleet.tls}; a bad value fails fast naming its key.
 *
 * @param cert PEM certificate chain of the node (its own certificate first), empty when TLS is off
 * @param key PEM private key of that certificate (PKCS#8, PKCS#1 or SEC1), given with {@code cert}
 * @param deviceCa PEM certificates of the authority whose client certificates devices may present
 *     instead of a secret (mutual TLS); empty: devices authenticate with their secret only
 * @param reloadInterval how often the files are checked for changes
 * @param mqttPort port of MQTT over TLS (0 = any free port)
 * @param httpsPort port of the HTTPS API (0 = any free port)
 * @param plainMqtt whether the plain MQTT listener is open too
 */
public record TlsSettings(
    Optional<Path> cert,
    Optional<Path> key,
    Optional<Path> deviceCa,
    Duration reloadInterval,
    int mqttPort,
    int httpsPort,
    boolean plainMqtt) {

  static final String PATH = "upsfleet.tls";

  public TlsSettings {
    check(cert.isPresent() == key.isPresent(), "cert", "and key must be set together");
    cert.ifPresent(p -> readable(p, "cert"));
    key.ifPresent(p -> readable(p, "key"));
    deviceCa.ifPresent(p -> readable(p, "device-ca"));
    check(deviceCa.isEmpty() || cert.isPresent(), "device-ca", "needs cert and key");
    check(
        !reloadInterval.isNegative() && !reloadInterval.isZero(),
        "reload-interval",
        "must be positive");
    check(mqttPort >= 0 && mqttPort <= 65535, "mqtt-port", "must be 0..65535");
    check(httpsPort >= 0 && httpsPort <= 65535, "https-port", "must be 0..65535");
  }

  /** Whether the node serves TLS (a certificate and key are configured). */
  public boolean enabled() {
    return cert.isPresent();
  }

  /** The same settings with another certificate and key (the demo's generated ones). */
  public TlsSettings withCertificate(Path certFile, Path keyFile) {
    return new TlsSettings(
        Optional.of(certFile),
        Optional.of(keyFile),
        deviceCa,
        reloadInterval,
        mqttPort,
        httpsPort,
        plainMqtt);
  }

  public static TlsSettings fromConfig(Config root) {
    Config c = root.getConfig(PATH);
    return new TlsSettings(
        file(c, "cert"),
        file(c, "key"),
        file(c, "device-ca"),
        c.getDuration("reload-interval"),
        c.getInt("mqtt-port"),
        c.getInt("https-port"),
        c.getBoolean("plain-mqtt"));
  }

  private static Optional<Path> file(Config c, String key) {
    String value = c.getString(key).trim();
    return value.isEmpty() ? Optional.empty() : Optional.of(Path.of(value));
  }

  private static void readable(Path file, String key) {
    check(Files.isReadable(file), key, "names a file that cannot be read: " + file);
  }

  private static void check(boolean ok, String key, String message) {
    if (!ok) throw new IllegalArgumentException(PATH + "." + key + " " + message);
  }
}
