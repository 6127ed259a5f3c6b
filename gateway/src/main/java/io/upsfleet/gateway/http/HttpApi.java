package io.upsfleet.gateway.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.upsfleet.gateway.tls.ServerTls;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.japi.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP API: {@code /api/v1/...} (authenticated, JSON, problem+json errors), {@code
 * /health/...} and {@code /metrics}. {@link #bind} listens (or fails fast with a clear message)
 * before the node has its database: until {@link #serve} it answers {@code /health/alive} with 200,
 * {@code /health/ready} with 503 and everything else with a 503 problem.
 */
public final class HttpApi extends AllDirectives implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  private static final HttpHeader HSTS =
      RawHeader.create("Strict-Transport-Security", "max-age=31536000");
  private final ServerBinding binding;
  private final ServerBinding httpsBinding;
  private final ActorSystem<?> system;
  private final AtomicReference<Function<HttpRequest, CompletionStage<HttpResponse>>> handler;
  private CompletionStage<Done> unbound;
  private CompletionStage<Done> stopped;

  private HttpApi(
      ServerBinding binding,
      ServerBinding httpsBinding,
      ActorSystem<?> system,
      AtomicReference<Function<HttpRequest, CompletionStage<HttpResponse>>> handler) {
    this.binding = binding;
    this.httpsBinding = httpsBinding;
    this.system = system;
    this.handler = handler;
  }

  /**
   * Listens on the configured address, serving only the health endpoints ("alive, not ready") until
   * {@link #serve}; throws {@link IllegalStateException} naming host and port when it cannot.
   */
  public static HttpApi bind(HttpSettings settings, ActorSystem<?> system) {
    return bind(settings, null, system);
  }

  /**
   * {@link #bind(HttpSettings, ActorSystem)}, and HTTPS on the TLS settings' port when {@code tls}
   * is given (its responses carry {@code Strict-Transport-Security}).
   */
  public static HttpApi bind(HttpSettings settings, ServerTls tls, ActorSystem<?> system) {
    AtomicReference<Function<HttpRequest, CompletionStage<HttpResponse>>> handler =
        new AtomicReference<>(sealed(OpsRoutes.starting()).handler(system));
    try {
      ServerBinding b =
          Http.get(system)
              .newServerAt(settings.host(), settings.port())
              .withSettings(serverSettings(system))
              .bind(
                  RequestIds.tagging(
                      (Function<HttpRequest, CompletionStage<HttpResponse>>)
                          request -> handler.get().apply(request)))
              .toCompletableFuture()
              .get(15, TimeUnit.SECONDS);
      log.info("HTTP API listening on {}", b.localAddress());
      ServerBinding https =
          tls == null ? null : bindHttps(settings.host(), tls, system, handler, b);
      return new HttpApi(b, https, system, handler);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot listen for HTTP on "
              + settings.host()
              + ":"
              + settings.port()
              + ": "
              + (e.getCause() != null ? e.getCause().getMessage() : e.toString())
              + " (set UPSFLEET_HTTP_PORT to another port)",
          e);
    }
  }

  /**
   * Pekko's server settings with malformed requests answered as problems ({@link ParsingProblems}).
   */
  private static ServerSettings serverSettings(ActorSystem<?> system) {
    return ServerSettings.create(system.classicSystem())
        .withParsingErrorHandler(ParsingProblems.class.getName());
  }

  private static ServerBinding bindHttps(
      String host,
      ServerTls tls,
      ActorSystem<?> system,
      AtomicReference<Function<HttpRequest, CompletionStage<HttpResponse>>> handler,
      ServerBinding plain) {
    int port = tls.settings().httpsPort();
    try {
      ServerBinding b =
          Http.get(system)
              .newServerAt(host, port)
              .enableHttps(tls.httpsContext())
              .withSettings(serverSettings(system))
              .bind(
                  RequestIds.tagging(
                      (Function<HttpRequest, CompletionStage<HttpResponse>>)
                          request ->
                              handler.get().apply(request).thenApply(r -> r.addHeader(HSTS))))
              .toCompletableFuture()
              .get(15, TimeUnit.SECONDS);
      log.info("HTTPS API listening on {}", b.localAddress());
      return b;
    } catch (Exception e) {
      plain.unbind();
      throw new IllegalStateException(
          "cannot listen for HTTPS on "
              + host
              + ":"
              + port
              + ": "
              + (e.getCause() != null ? e.getCause().getMessage() : e.toString())
              + " (set UPSFLEET_HTTPS_PORT to another port)",
          e);
    }
  }

  /**
   * Serves the whole API from now on.
   *
   * @param databaseWritable whether database writes work (readiness); must not block
   */
  public void serve(
      HttpSettings settings,
      ApiServices services,
      PrometheusMeterRegistry registry,
      BooleanSupplier mqttListening,
      BooleanSupplier databaseWritable,
      Clock clock) {
    ApiContext ctx = new ApiContext(settings, services, clock);
    Route route = new Routes(ctx, registry, mqttListening, databaseWritable).all();
    handler.set(route.handler(system));
  }

  private static Route sealed(Route route) {
    return route.seal(Problems.rejectionHandler(), Problems.exceptionHandler());
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  /** The bound HTTPS port; -1 when HTTPS is off. */
  public int httpsPort() {
    return httpsBinding == null ? -1 : httpsBinding.localAddress().getPort();
  }

  /** Stops accepting connections ({@code service-unbind}); open ones stay. Idempotent. */
  public synchronized CompletionStage<Done> stopAccepting() {
    if (unbound == null) {
      CompletionStage<Done> plain = binding.unbind().thenApply(unused -> Done.getInstance());
      unbound =
          httpsBinding == null
              ? plain
              : plain.thenCombine(httpsBinding.unbind(), (a, b) -> Done.getInstance());
    }
    return unbound;
  }

  /**
   * Stops accepting, lets requests in progress finish within {@code deadline} and closes every
   * connection ({@code service-requests-done}). Idempotent: later calls return the first stop.
   */
  public synchronized CompletionStage<Done> stop(Duration deadline) {
    if (stopped == null) {
      stopped =
          stopAccepting()
              .exceptionally(e -> Done.getInstance())
              .thenCompose(unused -> binding.terminate(deadline))
              .thenCompose(
                  unused ->
                      httpsBinding == null
                          ? CompletableFuture.completedFuture(null)
                          : httpsBinding.terminate(deadline))
              .thenApply(unused -> Done.getInstance());
    }
    return stopped;
  }

  /** {@link #stop} with a 5-s deadline, waiting for it; returns at once when already stopped. */
  @Override
  public void close() {
    try {
      stop(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("HTTP API did not stop cleanly: {}", e.toString());
    }
  }

  /**
   * The whole route tree, with errors and rejections rendered as problems and the body size
   * bounded.
   */
  private static final class Routes extends AllDirectives {
    private final ApiContext ctx;
    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier mqttListening;
    private final BooleanSupplier databaseWritable;

    Routes(
        ApiContext ctx,
        PrometheusMeterRegistry registry,
        BooleanSupplier mqttListening,
        BooleanSupplier databaseWritable) {
      this.ctx = ctx;
      this.registry = registry;
      this.mqttListening = mqttListening;
      this.databaseWritable = databaseWritable;
    }

    Route all() {
      AuthRoutes auth = new AuthRoutes(ctx);
      AccountRoutes accounts = new AccountRoutes(ctx, new LicenseRoutes(ctx));
      LicenseRoutes licenses = new LicenseRoutes(ctx);
      DeviceRoutes devices = new DeviceRoutes(ctx, licenses);
      OpsRoutes ops = new OpsRoutes(ctx, registry, mqttListening, databaseWritable);
      return handleRejections(
          Problems.rejectionHandler(),
          () ->
              handleExceptions(
                  Problems.exceptionHandler(),
                  () ->
                      withSizeLimit(
                          ctx.http.maxBodyBytes(),
                          () ->
                              concat(
                                  pathPrefix(
                                      "api",
                                      () ->
                                          pathPrefix(
                                              "v1",
                                              () ->
                                                  concat(
                                                      path(
                                                          "openapi.json",
                                                          new OpenApiRoutes()::routes),
                                                      pathPrefix("auth", auth::routes),
                                                      pathPrefix("accounts", accounts::routes),
                                                      pathPrefix(
                                                          "support-users", accounts::supportUsers),
                                                      pathPrefix("devices", devices::routes),
                                                      pathPrefix(
                                                          "audit", new AuditRoutes(ctx)::routes),
                                                      pathPrefix(
                                                          "events",
                                                          new EventFeedRoutes(ctx)::routes),
                                                      pathPrefix(
                                                          "license-orders", licenses::orders),
                                                      pathPrefix(
                                                          "activation-codes", licenses::codes),
                                                      pathPrefix(
                                                          "assignments", licenses::assignments),
                                                      pathPrefix("skus", licenses::skus),
                                                      pathPrefix(
                                                          "reseller",
                                                          new ResellerRoutes(
                                                                  ctx, new ReportRoutes(ctx))
                                                              ::forReseller),
                                                      pathPrefix(
                                                          "firmware-rollouts",
                                                          new RolloutRoutes(ctx)::routes),
                                                      pathPrefix(
                                                          "firmware",
                                                          () ->
                                                              new CommandRoutes(ctx, null)
                                                                  .firmware())))),
                                  ops.routes()))));
    }
  }
}
