package io.upsfleet.gateway.http;

import io.upsfleet.api.rest.TokenRequest;
import io.upsfleet.api.rest.TokenResponse;
import java.net.InetAddress;
import java.util.Locale;
import java.util.OptionalInt;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /api/v1/auth/token} (username + password → bearer token; throttled per client
 * address) and {@code POST /api/v1/auth/logout} (revokes the presented token).
 */
final class AuthRoutes extends ApiDirectives {
  private final FailureThrottle failedLogins;
  private final FailureThrottle failedLoginsPerAddress;

  AuthRoutes(ApiContext api) {
    super(api);
    // Slow hashing already costs ~0.3 s a try; failed sign-ins are bounded further per address
    // and username, and per address alone (many usernames from one address). Successful sign-ins
    // cost nothing, so users behind one NAT are unaffected.
    this.failedLogins =
        new FailureThrottle(api.http.signInFailuresPerUser(), api.http.signInFailureRefill());
    this.failedLoginsPerAddress =
        new FailureThrottle(api.http.signInFailuresPerAddress(), api.http.signInFailureRefill());
  }

  /**
   * The client's address: the socket's peer, or — only when that peer is a trusted proxy such as
   * the console — the last address it put in {@code X-Forwarded-For}. Anyone else's header is
   * ignored.
   */
  private String clientAddress(HttpRequest request) {
    String peer =
        request
            .getAttribute(AttributeKeys.remoteAddress)
            .flatMap(a -> a.getAddress())
            .map(InetAddress::getHostAddress)
            .orElse("unknown");
    if (!api.http.trustedProxies().contains(peer)) return peer;
    return request
        .getHeader("X-Forwarded-For")
        .map(
            h -> {
              String[] hops = h.value().split(",");
              String last = hops[hops.length - 1].trim();
              return last.isEmpty() || last.length() > 64 ? peer : last;
            })
        .orElse(peer);
  }

  Route routes() {
    return concat(
        path(
            "token",
            () ->
                post(
                    () ->
                        extractRequest(
                            request -> {
                              String who = clientAddress(request);
                              return jsonBody(
                                  TokenRequest.class,
                                  req -> {
                                    String key =
                                        "ip:"
                                            + who
                                            + "|user:"
                                            + String.valueOf(req.username())
                                                .toLowerCase(Locale.ROOT);
                                    String addressKey = "ip:" + who;
                                    OptionalInt wait = failedLoginsPerAddress.check(addressKey);
                                    if (wait.isEmpty()) wait = failedLogins.check(key);
                                    if (wait.isPresent())
                                      return failWith(
                                          ApiException.tooManyRequests(wait.getAsInt()));
                                    new Validation()
                                        .require(
                                            req.username() != null
                                                && !req.username().isBlank()
                                                && req.username().length() <= 100,
                                            "username",
                                            "is required (at most 100 characters)")
                                        .require(
                                            req.password() != null
                                                && !req.password().isEmpty()
                                                && req.password().length() <= 200,
                                            "password",
                                            "is required (at most 200 characters)")
                                        .throwIfInvalid();
                                    return onComplete(
                                        api.tokens.issueToken(req.username(), req.password()),
                                        t -> {
                                          if (t.isFailure()) return failWith(t.failed().get());
                                          if (t.get().isEmpty()) {
                                            failedLogins.failed(key);
                                            failedLoginsPerAddress.failed(addressKey);
                                            api.audit.record(
                                                req.username(),
                                                null,
                                                "auth.token",
                                                req.username(),
                                                "DENIED",
                                                "wrong username or password from " + who);
                                            return failWith(ApiException.unauthorized());
                                          }
                                          var issued = t.get().get();
                                          var p = issued.principal();
                                          return complete(
                                              StatusCodes.OK,
                                              new TokenResponse(
                                                  issued.token(),
                                                  issued.expiresAt(),
                                                  p.username(),
                                                  p.role().name(),
                                                  p.accountId() == null
                                                      ? null
                                                      : p.accountId().toString()),
                                              Json.marshaller());
                                        });
                                  });
                            }))),
        path(
            "logout",
            () ->
                post(
                    () ->
                        anyAuthenticated(
                            p ->
                                headerValueByName(
                                    "Authorization",
                                    h -> {
                                      String token = h.substring(7).trim();
                                      api.authenticator.forget(token);
                                      return onComplete(
                                          api.tokens.revokeToken(token),
                                          t ->
                                              t.isSuccess()
                                                  ? complete(StatusCodes.NO_CONTENT)
                                                  : failWith(t.failed().get()));
                                    })))));
  }
}
