package io.upsfleet.gateway.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP API: {@code /api/v1/...} (authenticated, JSON, problem+json errors), {@code
 * /health/...} and {@code /metrics}. {@link #start} binds or fails fast with a clear message.
 */
public final class HttpApi extends AllDirectives implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  private final ServerBinding binding;
  private CompletionStage<Done> unbound;
  private CompletionStage<Done> stopped;

  private HttpApi(ServerBinding binding) {
    this.binding = binding;
  }

  /** Binds the API; throws {@link IllegalStateException} naming host and port when it cannot. */
  public static HttpApi start(
      HttpSettings settings,
      ApiServices services,
      ActorSystem<?> system,
      PrometheusMeterRegistry registry,
      BooleanSupplier mqttListening,
      Clock clock) {
    ApiContext ctx = new ApiContext(settings, services, clock);
    Route route = new Routes(ctx, registry, mqttListening).all();
    try {
      ServerBinding b =
          Http.get(system)
              .newServerAt(settings.host(), settings.port())
              .bind(route)
              .toCompletableFuture()
              .get(15, TimeUnit.SECONDS);
      log.info("HTTP API listening on {}", b.localAddress());
      return new HttpApi(b);
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

  public int port() {
    return binding.localAddress().getPort();
  }

  /** Stops accepting connections ({@code service-unbind}); open ones stay. Idempotent. */
  public synchronized CompletionStage<Done> stopAccepting() {
    if (unbound == null) unbound = binding.unbind().thenApply(unused -> Done.getInstance());
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

    Routes(ApiContext ctx, PrometheusMeterRegistry registry, BooleanSupplier mqttListening) {
      this.ctx = ctx;
      this.registry = registry;
      this.mqttListening = mqttListening;
    }

    Route all() {
      AuthRoutes auth = new AuthRoutes(ctx);
      AccountRoutes accounts = new AccountRoutes(ctx, new LicenseRoutes(ctx));
      LicenseRoutes licenses = new LicenseRoutes(ctx);
      DeviceRoutes devices = new DeviceRoutes(ctx, licenses);
      OpsRoutes ops = new OpsRoutes(ctx, registry, mqttListening);
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
                                                      pathPrefix("auth", auth::routes),
                                                      pathPrefix("accounts", accounts::routes),
                                                      pathPrefix(
                                                          "support-users", accounts::supportUsers),
                                                      pathPrefix("devices", devices::routes),
                                                      pathPrefix(
                                                          "license-orders", licenses::orders),
                                                      pathPrefix(
                                                          "activation-codes", licenses::codes),
                                                      pathPrefix(
                                                          "assignments", licenses::assignments),
                                                      pathPrefix("skus", licenses::skus),
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
