package io.upsfleet.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The console's hardening (issue 14): HTTPS from PEM files (as the gateway's) on its own port
 * beside the plain one, which then redirects to it; the security headers and a {@code Secure},
 * {@code SameSite} session cookie; and the console still works in Chromium under its
 * Content-Security-Policy (no violation reported while the sign-in page boots and talks to the
 * server). The certificate is made by {@code openssl} for 127.0.0.1.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ConsoleHttpsIT {
  private static ConfigurableApplicationContext console;
  private static int httpsPort;
  private static int httpPort;
  private static Path cert;
  private static Path work;

  @BeforeAll
  static void start() throws Exception {
    work = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "https-it-");
    cert = work.resolve("cert.pem");
    Path key = work.resolve("key.pem");
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("openssl.log").toFile())
            .start();
    assertThat(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0)
        .as("openssl made a certificate")
        .isTrue();
    httpsPort = freePort();
    console =
        SpringApplication.run(
            ConsoleApplication.class,
            "--server.port=0",
            "--upsfleet.ui.gateway-url=http://127.0.0.1:9", // no gateway: the pages load anyway
            "--upsfleet.ui.tls.cert=" + cert,
            "--upsfleet.ui.tls.key=" + key,
            "--upsfleet.ui.tls.https-port=" + httpsPort);
    httpPort = Integer.parseInt(console.getEnvironment().getProperty("local.server.port"));
  }

  @AfterAll
  static void stop() {
    if (console != null) console.close();
  }

  @Test
  void theSignInPageComesOverHttpsWithSecurityHeadersAndASecureSameSiteCookie() throws Exception {
    HttpResponse<String> r =
        trusting()
            .send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + httpsPort + "/login"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("frame-ancestors 'none'")
        .contains("default-src 'self'")
        .contains("object-src 'none'");
    assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.headers().firstValue("Strict-Transport-Security").orElse(""))
        .startsWith("max-age=");
    List<String> cookies = r.headers().allValues("Set-Cookie");
    assertThat(cookies)
        .anySatisfy(
            c ->
                assertThat(c)
                    .startsWith("JSESSIONID=")
                    .contains("Secure")
                    .contains("HttpOnly")
                    .contains("SameSite=Lax"));
  }

  @Test
  void thePlainPortRedirectsToHttps() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/login?x=1"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(308);
    assertThat(r.headers().firstValue("Location"))
        .hasValue("https://127.0.0.1:" + httpsPort + "/login?x=1");
    assertThat(r.headers().allValues("Set-Cookie")).as("no session over plain HTTP").isEmpty();
  }

  @Test
  void chromiumRunsTheConsoleUnderItsContentSecurityPolicy() throws Exception {
    // --ignore-certificate-errors: the test's own self-signed certificate
    Browser browser =
        Browser.start(Files.createTempDirectory(work, "chrome-"), "--ignore-certificate-errors");
    WebDriver driver = browser.driver;
    try {
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      driver.get("https://127.0.0.1:" + httpsPort + "/login");
      wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#username input")));
      ((JavascriptExecutor) driver)
          .executeScript(
              "window.__csp = [];"
                  + "document.addEventListener('securitypolicyviolation',"
                  + " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));");
      driver.findElement(By.cssSelector("#username input")).sendKeys("someone");
      driver.findElement(By.cssSelector("#password input")).sendKeys("a-password-1234", Keys.ENTER);
      // A round trip through Vaadin's server-side code: the console answers that the gateway (which
      // does not exist here) cannot be reached.
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(
              By.id("login-error"), "cannot be reached"));
      assertThat(((JavascriptExecutor) driver).executeScript("return window.__csp.join(', ');"))
          .as("CSP violations")
          .isEqualTo("");
    } finally {
      browser.quit();
    }
  }

  /** An HTTP client that trusts exactly the test's certificate. */
  private static HttpClient trusting() throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      ks.setCertificateEntry(
          "console", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
