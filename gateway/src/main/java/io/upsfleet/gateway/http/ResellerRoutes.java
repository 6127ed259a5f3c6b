package io.upsfleet.gateway.http;

import io.upsfleet.api.rest.ResellerAcceptRequest;
import io.upsfleet.api.rest.ResellerInviteRequest;
import io.upsfleet.api.rest.ResellerView;
import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.reseller.ResellerSupport;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Reseller renewal support (DOMAIN.md §9). The account's side, under {@code
 * /api/v1/accounts/{id}/reseller}: {@code POST} names the preferred reseller and records the
 * consent (account admin or support), {@code GET} shows it (users of the account), {@code DELETE}
 * revokes it at once. The reseller's side, under {@code /api/v1/reseller}: {@code POST accept} (the
 * code of the e-mail; no sign-in), then, signed in as RESELLER, {@code GET accounts} and {@code GET
 * accounts/{id}/reports/my-renewals.csv|xlsx} of consenting accounts only (any other account is a
 * 404; every other route of the API refuses a reseller, see {@link ApiDirectives#authenticated}).
 */
final class ResellerRoutes extends ApiDirectives {
  private static final Pattern EMAIL =
      Pattern.compile("[^@\\s]{1,64}@[A-Za-z0-9.-]{1,189}\\.[A-Za-z]{2,}");

  private final ReportRoutes reports;

  ResellerRoutes(ApiContext api, ReportRoutes reports) {
    super(api);
    this.reports = reports;
  }

  /**
   * {@code /api/v1/accounts/{id}/reseller}; the caller has checked that {@code p} sees the account.
   */
  Route forAccount(Principal p, UUID accountId) {
    ResellerSupport resellers = api.accounts.resellers();
    return pathEnd(
        () ->
            concat(
                post(
                    () ->
                        jsonBody(
                            ResellerInviteRequest.class,
                            req -> {
                              manage(p, accountId, "reseller.invite");
                              String email = req.email() == null ? "" : req.email().trim();
                              new Validation()
                                  .require(
                                      email.length() <= 254 && EMAIL.matcher(email).matches(),
                                      "email",
                                      "must be an e-mail address")
                                  .throwIfInvalid();
                              CompletionStage<ResellerView> invited =
                                  api.accounts
                                      .account(accountId)
                                      .thenCompose(
                                          a -> {
                                            if (a.isEmpty())
                                              throw ApiException.notFound(
                                                  "no account " + accountId);
                                            return resellers.invite(
                                                accountId,
                                                email,
                                                p.username(),
                                                api.clock.instant());
                                          })
                                      .thenApply(
                                          inv -> {
                                            api.audit.record(
                                                p.username(),
                                                accountId,
                                                "reseller.invite",
                                                email,
                                                "OK",
                                                inv.scope());
                                            return view(inv);
                                          });
                              return completeJson(StatusCodes.CREATED, invited);
                            })),
                get(
                    () ->
                        completeOk(
                            resellers
                                .status(accountId, api.clock.instant())
                                .thenApply(
                                    inv ->
                                        view(
                                            inv.orElseThrow(
                                                () ->
                                                    ApiException.notFound(
                                                        "account "
                                                            + accountId
                                                            + " has named no reseller")))))),
                delete(
                    () -> {
                      manage(p, accountId, "reseller.revoke");
                      return onComplete(
                          resellers.revoke(accountId, p.username(), api.clock.instant()),
                          t -> {
                            if (t.isFailure()) return failWith(t.failed().get());
                            if (!t.get())
                              return failWith(
                                  ApiException.notFound("no consent to revoke for " + accountId));
                            api.audit.record(
                                p.username(), accountId, "reseller.revoke", null, "OK", null);
                            return complete(StatusCodes.NO_CONTENT);
                          });
                    })));
  }

  /** {@code /api/v1/reseller}. */
  Route forReseller() {
    ResellerSupport resellers = api.accounts.resellers();
    return concat(
        path(
            "accept",
            () ->
                post(
                    () ->
                        jsonBody(
                            ResellerAcceptRequest.class,
                            req -> {
                              new Validation()
                                  .require(
                                      req.code() != null && req.code().length() <= 64,
                                      "code",
                                      "is required: the code of the invitation e-mail")
                                  .require(
                                      req.password() != null
                                          && req.password().length() >= 12
                                          && req.password().length() <= 200,
                                      "password",
                                      "must be 12 to 200 characters")
                                  .throwIfInvalid();
                              return completeOk(
                                  resellers
                                      .accept(req.code(), req.password(), api.clock.instant())
                                      .handle(
                                          (inv, e) -> {
                                            if (e == null) return view(inv);
                                            Throwable cause =
                                                e instanceof CompletionException
                                                        && e.getCause() != null
                                                    ? e.getCause()
                                                    : e;
                                            if (cause instanceof ResellerSupport.Refused r)
                                              throw ApiException.notFound(r.getMessage());
                                            throw new CompletionException(cause);
                                          }));
                            }))),
        authenticated(
            p ->
                pathPrefix(
                    "accounts",
                    () ->
                        concat(
                            pathEnd(
                                () ->
                                    get(
                                        () ->
                                            completeOk(
                                                resellers
                                                    .accountsOf(p.userId(), api.clock.instant())
                                                    .thenApply(
                                                        l ->
                                                            l.stream()
                                                                .map(ResellerRoutes::view)
                                                                .toList())))),
                            pathPrefix(
                                id -> {
                                  UUID accountId = pathId(id);
                                  return onComplete(
                                      resellers.mayRead(p.userId(), accountId),
                                      t -> {
                                        if (t.isFailure()) return failWith(t.failed().get());
                                        if (!t.get())
                                          return failWith(
                                              ApiException.notFound("no account " + accountId));
                                        return pathPrefix(
                                            "reports", () -> reports.renewalsFor(p, accountId));
                                      });
                                })))));
  }

  private void manage(Principal p, UUID accountId, String action) {
    if (!p.canManage(accountId)) {
      api.audit.record(p.username(), accountId, action, null, "FORBIDDEN", null);
      throw ApiException.forbidden("only support or the account's admin name or revoke a reseller");
    }
  }

  static ResellerView view(ResellerSupport.Invitation i) {
    return new ResellerView(
        i.accountId().toString(),
        i.resellerEmail(),
        i.scope(),
        i.consentedBy(),
        i.consentedAt(),
        i.expiresAt(),
        i.acceptedAt(),
        i.revokedAt(),
        i.revokedBy(),
        i.status().name());
  }
}
