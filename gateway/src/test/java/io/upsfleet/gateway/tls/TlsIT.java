package io.upsfleet.gateway.tls;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MQTT over TLS and HTTPS with a real local certificate authority: the TLS listeners serve the
 * configured certificate (and a renewed one without a restart), a client that does not trust the
 * authority fails, devices may authenticate with a client certificate naming their serial instead
 * of a secret, and plain MQTT can be switched off.
 */
class TlsIT {
  private static Path dir;
  private static LocalCa ca;
  private static GatewayFixture gateway;
  private static String accountId;
  private static UpsfleetClient support;

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory("upsfleet-tls");
    ca = LocalCa.openOrCreate(dir.resolve("ca"));
    gateway =
        GatewayFixture.start(
            "tls",
            Map.of(
                "upsfleet.tls.cert",
                ca.serverCertFile().toString(),
                "upsfleet.tls.key",
                ca.serverKeyFile().toString(),
                "upsfleet.tls.device-ca",
                ca.caFile().toString(),
                "upsfleet.tls.reload-interval",
                "200ms",
                "upsfleet.tls.mqtt-port",
                0,
                "upsfleet.tls.https-port",
                0));
    support = gateway.support();
    accountId = support.createAccount("TLS tests").id();
  }

  @AfterAll
  static void stop() {
    if (gateway != null) gateway.close();
  }

  @Test
  void aDeviceWithItsSecretPublishesOverTlsAndOnlyWithTheAuthorityTrusted() throws Exception {
    String serial = GatewayFixture.uniqueSerial();
    String secret = support.registerDevice(serial, "SMT1500", accountId).secret();
    Mqtt3BlockingClient device =
        tlsClient(serial, trusting(ca.caFile()), null)
            .simpleAuth()
            .username(serial)
            .password(secret.getBytes(UTF_8))
            .applySimpleAuth()
            .buildBlocking();
    device.connect();
    device
        .publishWith()
        .topic("ups/" + serial + "/telemetry")
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(sample(serial))
        .send();
    await().atMost(Duration.ofSeconds(15)).until(() -> support.device(serial).telemetry() != null);
    device.disconnect();

    TrustManagerFactory systemTrust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    systemTrust.init((KeyStore) null); // the JDK's public authorities, not ours
    Mqtt3BlockingClient untrusting =
        tlsClient(serial, systemTrust, null)
            .simpleAuth()
            .username(serial)
            .password(secret.getBytes(UTF_8))
            .applySimpleAuth()
            .buildBlocking();
    assertThatThrownBy(untrusting::connect)
        .hasStackTraceContaining(SSLHandshakeException.class.getName())
        .hasStackTraceContaining("unable to find valid certification path");
  }

  @Test
  void onlyTls12And13AreOffered() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trusting(ca.caFile()).getTrustManagers(), null);
    try (SSLSocket socket =
        (SSLSocket)
            context.getSocketFactory().createSocket("127.0.0.1", gateway.node().mqttTlsPort())) {
      socket.startHandshake();
      assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
    }
    try (SSLSocket socket =
        (SSLSocket)
            context.getSocketFactory().createSocket("127.0.0.1", gateway.node().mqttTlsPort())) {
      socket.setEnabledProtocols(new String[] {"TLSv1.2"});
      socket.startHandshake();
      assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
    }
  }

  @Test
  void aDeviceCertificateNamingTheSerialReplacesTheSecret() throws Exception {
    String serial = GatewayFixture.uniqueSerial();
    support.registerDevice(serial, "SMT1500", accountId);
    Path cert = dir.resolve(serial + ".pem");
    Path key = dir.resolve(serial + "-key.pem");
    ca.issueDevice(serial, cert, key);

    Mqtt3BlockingClient device =
        tlsClient(serial, trusting(ca.caFile()), keys(cert, key)).buildBlocking();
    device.connect();
    device
        .publishWith()
        .topic("ups/" + serial + "/telemetry")
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(sample(serial))
        .send();
    await().atMost(Duration.ofSeconds(15)).until(() -> support.device(serial).telemetry() != null);
    device.disconnect();

    // The same certificate does not open another device's session, not even with that one's secret.
    String other = GatewayFixture.uniqueSerial();
    String otherSecret = support.registerDevice(other, "SMT1500", accountId).secret();
    Mqtt3BlockingClient impostor =
        tlsClient(other, trusting(ca.caFile()), keys(cert, key))
            .simpleAuth()
            .username(other)
            .password(otherSecret.getBytes(UTF_8))
            .applySimpleAuth()
            .buildBlocking();
    assertThatThrownBy(impostor::connect)
        .isInstanceOfSatisfying(
            Mqtt3ConnAckException.class,
            e ->
                assertThat(e.getMqttMessage().getReturnCode())
                    .isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED));

    // Without a certificate and without a secret: refused.
    Mqtt3BlockingClient anonymous = tlsClient(serial, trusting(ca.caFile()), null).buildBlocking();
    assertThatThrownBy(anonymous::connect)
        .isInstanceOfSatisfying(
            Mqtt3ConnAckException.class,
            e ->
                assertThat(e.getMqttMessage().getReturnCode())
                    .isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD));
  }

  @Test
  void aCertificateOfAnUnknownAuthorityIsNotADeviceIdentity() throws Exception {
    String serial = GatewayFixture.uniqueSerial();
    support.registerDevice(serial, "SMT1500", accountId);
    LocalCa rogue = LocalCa.openOrCreate(dir.resolve("rogue"));
    Path cert = dir.resolve("rogue-" + serial + ".pem");
    Path key = dir.resolve("rogue-" + serial + "-key.pem");
    rogue.issueDevice(serial, cert, key);
    Mqtt3BlockingClient device =
        tlsClient(serial, trusting(ca.caFile()), keys(cert, key)).buildBlocking();
    assertThatThrownBy(device::connect).isNotNull();
    assertThat(support.device(serial).connection().online()).isFalse();
  }

  @Test
  void httpsServesTheApiWithHsts() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trusting(ca.caFile()).getTrustManagers(), null);
    HttpClient client =
        ContractHttpClient.checked(HttpClient.newBuilder().sslContext(context).build());
    HttpResponse<String> ready =
        client.send(
            HttpRequest.newBuilder(
                    URI.create("https://localhost:" + gateway.node().httpsPort() + "/health/ready"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.headers().firstValue("Strict-Transport-Security")).isPresent();
    HttpResponse<String> devices =
        client.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "https://localhost:" + gateway.node().httpsPort() + "/api/v1/devices"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(devices.statusCode()).isEqualTo(401);
  }

  @Test
  void aRenewedCertificateIsServedWithoutARestart() throws Exception {
    BigInteger before = servedCertificate().getSerialNumber();
    ca.issueServer(ca.serverCertFile(), ca.serverKeyFile());
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> !servedCertificate().getSerialNumber().equals(before));
    assertThat(servedCertificate().getNotAfter().toInstant()).isAfter(Instant.now());
  }

  @Test
  void plainMqttCanBeSwitchedOff() throws Exception {
    try (GatewayFixture tlsOnly =
        GatewayFixture.start(
            "tls-only",
            Map.of(
                "upsfleet.tls.cert",
                ca.serverCertFile().toString(),
                "upsfleet.tls.key",
                ca.serverKeyFile().toString(),
                "upsfleet.tls.plain-mqtt",
                false,
                "upsfleet.tls.mqtt-port",
                0,
                "upsfleet.tls.https-port",
                0))) {
      assertThat(tlsOnly.node().mqttPort()).isEqualTo(-1);
      assertThat(tlsOnly.node().mqttTlsPort()).isPositive();
    }
  }

  private static X509Certificate servedCertificate() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trusting(ca.caFile()).getTrustManagers(), null);
    try (Socket raw = new Socket("127.0.0.1", gateway.node().mqttTlsPort());
        SSLSocket socket =
            (SSLSocket)
                context.getSocketFactory().createSocket(raw, "127.0.0.1", raw.getPort(), true)) {
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  private static Mqtt3ClientBuilder tlsClient(
      String serial, TrustManagerFactory trust, KeyManagerFactory keys) {
    var ssl =
        Mqtt3Client.builder()
            .identifier(serial)
            .serverHost("localhost")
            .serverPort(gateway.node().mqttTlsPort())
            .sslConfig()
            .trustManagerFactory(trust);
    if (keys != null) ssl = ssl.keyManagerFactory(keys);
    return ssl.applySslConfig();
  }

  private static TrustManagerFactory trusting(Path caFile) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    List<X509Certificate> certs = PemFiles.certificates(caFile);
    for (int i = 0; i < certs.size(); i++) store.setCertificateEntry("ca" + i, certs.get(i));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    return tmf;
  }

  private static KeyManagerFactory keys(Path cert, Path key) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    char[] none = new char[0];
    store.setKeyEntry(
        "device",
        PemFiles.privateKey(key),
        none,
        PemFiles.certificates(cert).toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, none);
    return kmf;
  }

  private static byte[] sample(String serial) {
    return ("{\"ts\":\""
            + Instant.now().truncatedTo(ChronoUnit.SECONDS)
            + "\",\"seq\":1,\"ups.status\":\"OL\",\"battery.charge\":100}")
        .getBytes(UTF_8);
  }
}
