package io.upsfleet.cluster.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The SSRF guard of destination URLs (RELIABILITY.md): the JDK's own resolver for literals and
 * {@code localhost}; for a public-looking name that resolves to a private address, a resolver that
 * answers like a split-horizon DNS would (the test machine has no DNS of its own).
 */
class UrlGuardTest {
  private static final UrlGuard.Resolver DNS =
      host -> {
        switch (host.toLowerCase(Locale.ROOT)) {
          case "intranet.example.com":
            return new InetAddress[] {InetAddress.getByName("10.20.30.40")};
          case "mixed.example.com":
            return new InetAddress[] {
              InetAddress.getByName("93.184.216.34"), InetAddress.getByName("169.254.169.254")
            };
          case "hooks.example.com":
            return new InetAddress[] {InetAddress.getByName("93.184.216.34")};
          default:
            return InetAddress.getAllByName(host);
        }
      };

  private final UrlGuard production = new UrlGuard(false, List.of(), DNS);

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "http://hooks.example.com/x | must use https",
        "https://127.0.0.1/x | a loopback address",
        "https://localhost:8443/x | a loopback address",
        "https://[::1]/x | a loopback address",
        "https://10.0.0.1/x | a private address",
        "https://172.16.5.4/x | a private address",
        "https://192.168.1.1/x | a private address",
        "https://169.254.169.254/latest/meta-data | the cloud metadata address",
        "https://169.254.10.10/x | a link-local address",
        "https://100.64.0.1/x | a carrier-grade NAT address",
        "https://0.0.0.0/x | an unspecified address",
        "https://[fd12:3456::1]/x | a private address",
        "https://[::ffff:10.0.0.1]/x | a private address",
        "https://intranet.example.com/hook | resolves to 10.20.30.40, a private address",
        "https://mixed.example.com/hook | resolves to 169.254.169.254",
        "https://user:secret@hooks.example.com/ | user information",
        "https://no-such-host.invalid/ | does not resolve",
        "file:///etc/passwd | must use https",
        "not a url | is not a valid URL",
      })
  void refuses(String url, String reason) {
    assertThatThrownBy(() -> production.check(url))
        .isInstanceOf(UrlGuard.Refused.class)
        .hasMessageContaining(reason.trim());
  }

  @Test
  void acceptsAnHttpsUrlOfAPublicHost() throws Exception {
    assertThat(production.check("https://hooks.example.com/services/T0/B0/xyz").getHost())
        .isEqualTo("hooks.example.com");
  }

  @Test
  void theLoopbackSettingLetsOnlyLoopbackAndPlainHttpThrough() throws Exception {
    UrlGuard demo = new UrlGuard(true, List.of(), DNS);
    assertThat(demo.check("http://127.0.0.1:9000/hook").getPort()).isEqualTo(9000);
    assertThat(demo.check("http://localhost:9000/hook").getPort()).isEqualTo(9000);
    assertThatThrownBy(() -> demo.check("https://10.0.0.1/x")).hasMessageContaining("private");
    assertThatThrownBy(() -> demo.check("http://hooks.example.com/x"))
        .hasMessageContaining("must use https");
  }

  @Test
  void anAllowListNamesTheOnlyHostsAllowed() throws Exception {
    UrlGuard listed = new UrlGuard(false, List.of("hooks.example.com"), DNS);
    assertThat(listed.check("https://HOOKS.example.com/x").getHost())
        .isEqualTo("HOOKS.example.com");
    assertThatThrownBy(() -> listed.check("https://other.example.com/x"))
        .hasMessageContaining("allowed-hosts");
  }

  @Test
  void resolvesAgainAtEveryCheck() throws Exception {
    int[] calls = {0};
    UrlGuard rebinding =
        new UrlGuard(
            false,
            List.of(),
            host -> {
              calls[0]++;
              if (calls[0] > 1) return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
              return new InetAddress[] {InetAddress.getByName("93.184.216.34")};
            });
    rebinding.check("https://rebind.example.com/");
    assertThatThrownBy(() -> rebinding.check("https://rebind.example.com/"))
        .hasMessageContaining("loopback");
  }
}
