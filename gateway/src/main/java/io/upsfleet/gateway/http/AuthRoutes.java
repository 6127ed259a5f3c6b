package io.upsfleet.gateway.http;

import io.upsfleet.api.rest.ChangePasswordRequest;
import io.upsfleet.api.rest.Problem;
import io.upsfleet.api.rest.TokenRequest;
import io.upsfleet.api.rest.TokenResponse;
import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.audit.AuditLog;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
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
                                                new AuditLog.Record(
                                                    req.username(),
                                                    null,
                                                    who,
                                                    null,
                                                    null,
                                                    "auth.token",
                                                    req.username(),
                                                    "DENIED",
                                                    "wrong username or password"));
                                            return failWith(ApiException.unauthorized());
                                          }
                                          var issued = t.get().get();
                                          var p = issued.principal();
                                          api.audit.record(
                                              new AuditLog.Record(
                                                  p.username(),
                                                  p.role().name(),
                                                  who,
                                                  p.accountId(),
                                                  null,
                                                  "auth.token",
                                                  p.username(),
                                                  "OK",
                                                  issued.mustChangePassword()
                                                      ? "must change password"
                                                      : null));
                                          return complete(
                                              StatusCodes.OK,
                                              new TokenResponse(
                                                  issued.token(),
                                                  issued.expiresAt(),
                                                  p.username(),
                                                  p.role().name(),
                                                  p.accountId() == null
                                                      ? null
                                                      : p.accountId().toString(),
                                                  issued.mustChangePassword()),
                                              Json.marshaller());
                                        });
                                  });
                            }))),
        path(
            "logout",
            () ->
                post(
                    () ->
                        authenticated(
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
                                    })))),
        path(
            "logout-all",
            () ->
                post(
                    () ->
                        authenticated(
                            p ->
                                onComplete(
                                    api.tokens.revokeAllTokens(p.userId()),
                                    t ->
                                        t.isSuccess()
                                            ? complete(StatusCodes.NO_CONTENT)
                                            : failWith(t.failed().get()))))),
        path(
            "password",
            () ->
                post(
                    () ->
                        authenticated(
                            p ->
                                headerValueByName(
                                    "Authorization",
                                    h ->
                                        jsonBody(
                                            ChangePasswordRequest.class,
                                            req ->
                                                changePassword(p, h.substring(7).trim(), req)))))));
  }

  private Route changePassword(Principal p, String token, ChangePasswordRequest req) {
    new Validation()
        .require(
            req.currentPassword() != null
                && !req.currentPassword().isEmpty()
                && req.currentPassword().length() <= 200,
            "currentPassword",
            "is required (at most 200 characters)")
        .require(Passwords.acceptable(req.newPassword()), "newPassword", Passwords.RULE)
        .require(
            req.newPassword() == null || !req.newPassword().equals(req.currentPassword()),
            "newPassword",
            "must differ from the current password")
        .throwIfInvalid();
    return onComplete(
        api.tokens.changePassword(p.userId(), req.currentPassword(), req.newPassword(), token),
        t -> {
          if (t.isFailure()) return failWith(t.failed().get());
          if (!t.get())
            return failWith(
                ApiException.invalid(
                    List.of(new Problem.FieldError("currentPassword", "is wrong"))));
          return complete(StatusCodes.NO_CONTENT);
        });
  }
}
