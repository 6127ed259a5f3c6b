package io.upsfleet.gateway.tls;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;

/**
 * The node's server-side TLS: one certificate (reloaded when its files change) for MQTT over TLS
 * and the HTTPS API, TLS 1.3 and 1.2 only, and optionally the authority whose client certificates
 * devices may present (mutual TLS, requested but not required, so devices with a secret still
 * connect). Exports {@code upsfleet_tls_certificate_expiry_seconds}. Thread-safe.
 */
public final class ServerTls implements AutoCloseable {
  /** The protocols offered; older ones are refused in the handshake. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private final TlsSettings settings;
  private final ReloadingKeyManager keys;
  private final SslContext mqtt;
  private final SSLContext https;
  private final ScheduledExecutorService reloader;

  private ServerTls(
      TlsSettings settings, ReloadingKeyManager keys, SslContext mqtt, SSLContext https) {
    this.settings = settings;
    this.keys = keys;
    this.mqtt = mqtt;
    this.https = https;
    this.reloader =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "upsfleet-tls-reload");
              t.setDaemon(true);
              return t;
            });
    long every = settings.reloadInterval().toMillis();
    reloader.scheduleWithFixedDelay(keys::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Reads the certificate, key and device authority and starts watching them.
   *
   * @throws IllegalArgumentException naming the file when one cannot be used
   */
  public static ServerTls start(TlsSettings settings) {
    if (!settings.enabled()) throw new IllegalArgumentException("upsfleet.tls.cert is not set");
    ReloadingKeyManager keys =
        new ReloadingKeyManager(settings.cert().orElseThrow(), settings.key().orElseThrow());
    try {
      SslContextBuilder netty =
          SslContextBuilder.forServer(keys).sslProvider(SslProvider.JDK).protocols(PROTOCOLS);
      if (settings.deviceCa().isPresent()) {
        List<X509Certificate> authority = PemFiles.certificates(settings.deviceCa().get());
        netty
            .trustManager(authority.toArray(new X509Certificate[0]))
            .clientAuth(ClientAuth.OPTIONAL);
      }
      SSLContext https = SSLContext.getInstance("TLS");
      https.init(new KeyManager[] {keys}, null, null);
      return new ServerTls(settings, keys, netty.build(), https);
    } catch (SSLException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** Exports {@code upsfleet_tls_certificate_expiry_seconds} to {@code registry}. */
  public void registerMetrics(MeterRegistry registry, Clock clock) {
    Gauge.builder(
            "upsfleet_tls_certificate_expiry_seconds",
            keys,
            k -> k.notAfter().getEpochSecond() - clock.instant().getEpochSecond())
        .description("seconds until the node's TLS certificate expires (negative: expired)")
        .register(registry);
  }

  public TlsSettings settings() {
    return settings;
  }

  /** The context of MQTT over TLS (Netty). */
  public SslContext mqttContext() {
    return mqtt;
  }

  /** The context of the HTTPS API (Pekko HTTP), TLS 1.3 and 1.2 only. */
  public HttpsConnectionContext httpsContext() {
    return ConnectionContext.httpsServer(
        () -> {
          SSLEngine engine = https.createSSLEngine();
          engine.setUseClientMode(false);
          engine.setEnabledProtocols(PROTOCOLS.toArray(new String[0]));
          return engine;
        });
  }

  /** The key manager, for tests and the reload check. */
  public ReloadingKeyManager keys() {
    return keys;
  }

  @Override
  public void close() {
    reloader.shutdownNow();
  }
}
