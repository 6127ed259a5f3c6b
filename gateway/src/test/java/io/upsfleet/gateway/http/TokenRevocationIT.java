package io.upsfleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.UserView;
import io.upsfleet.cluster.account.RevocationBus;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two nodes of one cluster: a token cached by one node stops working there within a second of the
 * other node disabling its user, signing it out, or revoking it — not after the token cache's 30-s
 * lifetime. Without the revocations published across the cluster each of these waits would fail.
 */
class TokenRevocationIT {
  private static final String PASSWORD = "a-long-password-123";
  private static final HttpClient http = ContractHttpClient.checked(HttpClient.newHttpClient());

  @Test
  void aDisabledOrSignedOutUsersTokenStopsWorkingOnTheOtherNodeWithinASecond() throws Exception {
    try (GatewayFixture a = GatewayFixture.start("TokenRevocationIT")) {
      RevocationBus busA = a.node().cluster().revocations();
      int alone = busA.otherNodesListening().toCompletableFuture().get(5, TimeUnit.SECONDS);
      try (GatewayFixture b = GatewayFixture.joining(a, "TokenRevocationIT")) {
        // Publications reach b once a knows b's end of the topic.
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    busA.otherNodesListening().toCompletableFuture().get(5, TimeUnit.SECONDS)
                        > alone);
        UpsfleetClient support = a.support();
        String account = support.createAccount("Revocations Co").id();
        UserView operator =
            support.createUser(account, "operator-revoked", PASSWORD, "ACCOUNT_OPERATOR");
        support.createUser(account, "viewer-signs-out", PASSWORD, "ACCOUNT_VIEWER");
        // The first revocation crossing the nodes. Its pub-sub message was seen lost once
        // (2026-12-06, cause not found: pub-sub is at most once); the database channel
        // (token_revocations, read every 500 ms) brings it anyway, in about half a second plus a
        // read. The bound leaves that path room on a loaded CI machine; without either channel the
        // token would work on until b's 30-s cache expires.
        support.createUser(account, "first", PASSWORD, "ACCOUNT_VIEWER");
        String first = b.client("first", PASSWORD).token();
        assertThat(status(b, first, account)).isEqualTo(200);
        logout(a, first);
        await()
            .pollInterval(Duration.ofMillis(50))
            .atMost(Duration.ofSeconds(2))
            .until(() -> status(b, first, account) == 401);

        // Disabled on node a: the token node b has cached stops working there.
        String operatorToken = b.client("operator-revoked", PASSWORD).token();
        assertThat(status(b, operatorToken, account)).isEqualTo(200);
        assertThat(status(b, operatorToken, account)).isEqualTo(200);
        support.updateUser(account, operator.id(), true, null);
        await()
            .pollInterval(Duration.ofMillis(50))
            .atMost(Duration.ofSeconds(1))
            .until(() -> status(b, operatorToken, account) == 401);
        assertThat(status(a, operatorToken, account)).isEqualTo(401);

        // Signed out everywhere on node a: b's cached token of the same user stops too.
        UpsfleetClient viewerOnA = a.client("viewer-signs-out", PASSWORD);
        String viewerTokenOnB = b.client("viewer-signs-out", PASSWORD).token();
        assertThat(status(b, viewerTokenOnB, account)).isEqualTo(200);
        viewerOnA.signOutEverywhere();
        await()
            .pollInterval(Duration.ofMillis(50))
            .atMost(Duration.ofSeconds(1))
            .until(() -> status(b, viewerTokenOnB, account) == 401);

        // One token signed out on node a: b stops trusting it.
        String another = b.client("viewer-signs-out", PASSWORD).token();
        assertThat(status(b, another, account)).isEqualTo(200);
        logout(a, another);
        await()
            .pollInterval(Duration.ofMillis(50))
            .atMost(Duration.ofSeconds(1))
            .until(() -> status(b, another, account) == 401);
      }
    }
  }

  /**
   * With pub-sub off, the database channel alone: a user disabled on node a is refused on node b
   * after b's next read of the table, not after b's 30-s cache lifetime. b reads every 5 s here, so
   * that its first read comes after the revocation was committed (and after b cached the token):
   * the first read must hand over what it finds, not only learn it. (The default interval is 500
   * ms; {@link #aDisabledOrSignedOutUsersTokenStopsWorkingOnTheOtherNodeWithinASecond} shows the
   * first revocation after a join arriving within a second.)
   */
  @Test
  void aRevocationReachesTheOtherNodeThroughTheDatabaseAlone() throws Exception {
    Map<String, Object> noPubSub = Map.of("upsfleet.revocations.pubsub", "off");
    Map<String, Object> slowReads =
        Map.of("upsfleet.revocations.pubsub", "off", "upsfleet.revocations.poll-interval", "5s");
    try (GatewayFixture a = GatewayFixture.start("TokenRevocationDbIT", noPubSub);
        GatewayFixture b = GatewayFixture.joining(a, "TokenRevocationDbIT", slowReads)) {
      UpsfleetClient support = a.support();
      String account = support.createAccount("Revocations by table").id();
      UserView user = support.createUser(account, "disabled-by-table", PASSWORD, "ACCOUNT_VIEWER");
      String token = b.client("disabled-by-table", PASSWORD).token();
      assertThat(status(b, token, account)).isEqualTo(200);
      assertThat(status(b, token, account)).isEqualTo(200);
      support.updateUser(account, user.id(), true, null);
      await()
          .pollInterval(Duration.ofMillis(50))
          .atMost(Duration.ofSeconds(15))
          .until(() -> status(b, token, account) == 401);
    }
  }

  private static int status(GatewayFixture node, String token, String account) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(node.httpBase() + "/api/v1/accounts/" + account))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static void logout(GatewayFixture node, String token) throws Exception {
    int s =
        http.send(
                HttpRequest.newBuilder(URI.create(node.httpBase() + "/api/v1/auth/logout"))
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.discarding())
            .statusCode();
    assertThat(s).isEqualTo(204);
  }
}
