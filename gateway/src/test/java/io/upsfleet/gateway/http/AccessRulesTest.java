package io.upsfleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Looking requests up in the role table, and what an audit record shows of the path. */
class AccessRulesTest {
  @Test
  void aLiteralSegmentWinsOverAPlaceholder() {
    assertThat(AccessRules.lookup("GET", "/devices/summary"))
        .isEqualTo(new AccessRules.Found(rule("GET", "/devices/summary")));
    assertThat(AccessRules.lookup("GET", "/devices/AS1036123456"))
        .isEqualTo(new AccessRules.Found(rule("GET", "/devices/{serial}")));
  }

  @Test
  void anUnknownPathIsNoRouteAndAKnownPathWithAnotherMethodIsAWrongMethod() {
    assertThat(AccessRules.lookup("GET", "/nothing")).isInstanceOf(AccessRules.NoSuchRoute.class);
    assertThat(AccessRules.lookup("PUT", "/devices/AS1036123456"))
        .isEqualTo(new AccessRules.WrongMethod(Set.of("DELETE", "GET", "PATCH")));
  }

  @Test
  void anActivationCodeIsCutInTheAuditRecord() {
    AccessRules.Rule redeem = rule("POST", "/activation-codes/{code}/redeem");
    assertThat(
            ApiDirectives.masked(
                redeem, "/api/v1/activation-codes/VGERG-KSH3J-JP0F2-KVGNG-AC5NC/redeem"))
        .isEqualTo("/api/v1/activation-codes/…AC5NC/redeem");
    assertThat(ApiDirectives.masked(rule("GET", "/devices/{serial}"), "/api/v1/devices/AS1"))
        .isEqualTo("/api/v1/devices/AS1");
  }

  private static AccessRules.Rule rule(String method, String pattern) {
    return AccessRules.RULES.stream()
        .filter(r -> r.method().equals(method) && r.pattern().equals(pattern))
        .findFirst()
        .orElseThrow();
  }
}
