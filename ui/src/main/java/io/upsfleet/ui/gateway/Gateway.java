package io.upsfleet.ui.gateway;

import com.fasterxml.jackson.core.type.TypeReference;
import io.upsfleet.api.rest.ResellerAcceptRequest;
import io.upsfleet.api.rest.ResellerView;
import io.upsfleet.api.rest.TokenRequest;
import io.upsfleet.api.rest.TokenResponse;
import java.net.URI;
import java.time.Duration;

/**
 * The entry point to the gateway: {@link #signIn} trades a username and password for a token, and
 * {@link #client(String)} gives the {@link GatewayClient} of that token. One instance per console
 * (it owns the shared HTTP connection pool). Thread-safe.
 */
public class Gateway {
  private final GatewayHttp http;

  public Gateway(URI baseUrl, Duration connectTimeout, Duration requestTimeout) {
    this.http = new GatewayHttp(baseUrl, connectTimeout, requestTimeout);
  }

  public URI baseUrl() {
    return http.base();
  }

  /**
   * {@code POST /api/v1/auth/token}. {@code clientAddress} (may be null) is the browser's address,
   * sent as {@code X-Forwarded-For} so that the gateway's sign-in throttle counts people, not the
   * console.
   *
   * @throws GatewayException 401 for a wrong username or password, 429 when throttled
   */
  public TokenResponse signIn(String username, String password, String clientAddress) {
    return http.call(
        "POST",
        "/api/v1/auth/token",
        new TokenRequest(username, password),
        null,
        clientAddress,
        new TypeReference<TokenResponse>() {});
  }

  /**
   * {@code POST /api/v1/reseller/accept}: redeems a reseller's invitation code and sets its
   * password (the reseller's username is its e-mail address).
   *
   * @throws GatewayException 404 for an unknown, used, expired or revoked code
   */
  public ResellerView acceptResellerInvitation(String code, String password) {
    return http.call(
        "POST",
        "/api/v1/reseller/accept",
        new ResellerAcceptRequest(code, password),
        null,
        null,
        new TypeReference<ResellerView>() {});
  }

  /** The client acting with {@code token}. */
  public GatewayClient client(String token) {
    return new HttpGatewayClient(http, token);
  }
}
