package io.upsfleet.gateway.nut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upsfleet.gateway.testing.GatewayFixture;
import io.upsfleet.gateway.tls.LocalCa;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * STARTTLS as upsd speaks it, on a node with a certificate: {@code OK STARTTLS} in clear text, then
 * a TLS handshake on the same connection with the node's certificate (TLS 1.2/1.3), after which the
 * session speaks NUT encrypted; a client that does not trust the node's authority fails the
 * handshake; a second STARTTLS is {@code ERR ALREADY-SSL-MODE}. (A node without a certificate
 * answers {@code ERR FEATURE-NOT-CONFIGURED}: NutFacadeIT.)
 */
class NutStartTlsIT {
  private static Path dir;
  private static LocalCa ca;
  private static GatewayFixture gw;
  private static int port;

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory("upsfleet-nut-tls");
    ca = LocalCa.openOrCreate(dir.resolve("ca"));
    gw =
        GatewayFixture.start(
            "NutStartTlsIT",
            Map.of(
                "upsfleet.gateway.nut.port",
                NutSettings.ANY_PORT,
                "upsfleet.tls.cert",
                ca.serverCertFile().toString(),
                "upsfleet.tls.key",
                ca.serverKeyFile().toString(),
                "upsfleet.tls.mqtt-port",
                0,
                "upsfleet.tls.https-port",
                0));
    port = gw.node().nutPort();
  }

  @AfterAll
  static void stop() {
    if (gw != null) gw.close();
  }

  @Test
  void startTlsSwitchesTheConnectionToTlsWithTheNodesCertificate() throws Exception {
    try (Socket plain = new Socket("127.0.0.1", port)) {
      plain.setSoTimeout(5000);
      assertThat(ask(plain.getOutputStream(), reader(plain.getInputStream()), "STARTTLS"))
          .isEqualTo("OK STARTTLS");
      SSLSocket tls =
          (SSLSocket)
              trusting(ca.caFile()).getSocketFactory().createSocket(plain, "localhost", port, true);
      tls.startHandshake();
      assertThat(tls.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
      X509Certificate served = (X509Certificate) tls.getSession().getPeerCertificates()[0];
      assertThat(served.getSubjectX500Principal().getName()).contains("upsfleet node");
      BufferedReader in = reader(tls.getInputStream());
      assertThat(ask(tls.getOutputStream(), in, "VER")).startsWith("Network UPS Tools upsd");
      assertThat(ask(tls.getOutputStream(), in, "STARTTLS")).isEqualTo("ERR ALREADY-SSL-MODE");
      // Credentials now travel encrypted.
      assertThat(ask(tls.getOutputStream(), in, "USERNAME " + GatewayFixture.SUPPORT_USER))
          .isEqualTo("OK");
      assertThat(ask(tls.getOutputStream(), in, "PASSWORD " + GatewayFixture.SUPPORT_PASSWORD))
          .isEqualTo("OK");
      assertThat(ask(tls.getOutputStream(), in, "LIST UPS")).isEqualTo("BEGIN LIST UPS");
      tls.close();
    }
  }

  @Test
  void aClientThatDoesNotTrustTheNodeFailsTheHandshake() throws Exception {
    LocalCa other = LocalCa.openOrCreate(dir.resolve("other"));
    try (Socket plain = new Socket("127.0.0.1", port)) {
      plain.setSoTimeout(5000);
      assertThat(ask(plain.getOutputStream(), reader(plain.getInputStream()), "STARTTLS"))
          .isEqualTo("OK STARTTLS");
      SSLSocket tls =
          (SSLSocket)
              trusting(other.caFile())
                  .getSocketFactory()
                  .createSocket(plain, "localhost", port, true);
      assertThatThrownBy(tls::startHandshake).isInstanceOf(SSLHandshakeException.class);
    }
  }

  /**
   * Debian's real {@code upsc} asks for STARTTLS on its own: against a node with a certificate it
   * completes the TLS handshake and talks NUT over it (it checks no certificate without a database
   * of its own, as NUT documents).
   */
  @Test
  void theRealUpscSwitchesToTls() {
    var upsc = NutTestTools.tool("upsc");
    NutTestTools.Run r = NutTestTools.run(upsc.toString(), "-l", "127.0.0.1:" + port);
    assertThat(r.status()).as(r.output()).isZero();
    assertThat(r.output())
        .contains("SSL handshake done successfully")
        .contains("Connected to NUT server 127.0.0.1 in SSL");
  }

  private static BufferedReader reader(InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  private static String ask(OutputStream out, BufferedReader in, String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    return in.readLine();
  }

  private static SSLContext trusting(Path caFile) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      trust.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(null, tmf.getTrustManagers(), null);
    return c;
  }
}
