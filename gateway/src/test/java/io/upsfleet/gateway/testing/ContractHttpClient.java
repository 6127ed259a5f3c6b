package io.upsfleet.gateway.testing;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * An {@link HttpClient} that checks every response it receives against the OpenAPI document ({@link
 * ApiContract#check}) before handing it to the caller's body handler: a response that breaks the
 * contract fails the call with an {@link AssertionError}, in whichever IT made it. The ITs' HTTP
 * helpers and the {@code UpsfleetClient}s of {@link GatewayFixture} use it.
 */
public final class ContractHttpClient extends HttpClient {
  private final HttpClient delegate;

  private ContractHttpClient(HttpClient delegate) {
    this.delegate = delegate;
  }

  /** {@code delegate}, checked. */
  public static HttpClient checked(HttpClient delegate) {
    return delegate instanceof ContractHttpClient ? delegate : new ContractHttpClient(delegate);
  }

  /** A new default client, checked. */
  public static HttpClient newClient() {
    return checked(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> raw = delegate.send(request, HttpResponse.BodyHandlers.ofByteArray());
    return checkedResponse(raw, handler);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    return delegate
        .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(raw -> checkedResponse(raw, handler));
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    return sendAsync(request, handler);
  }

  private static <T> HttpResponse<T> checkedResponse(
      HttpResponse<byte[]> raw, HttpResponse.BodyHandler<T> handler) {
    byte[] bytes = raw.body() == null ? new byte[0] : raw.body();
    ApiContract.check(
        raw.request().method(),
        raw.request().uri(),
        raw.statusCode(),
        raw.headers().firstValue("Content-Type"),
        bytes);
    return new Checked<>(raw, convert(raw, bytes, handler));
  }

  /** Feeds the bytes already read to the caller's handler. */
  private static <T> T convert(
      HttpResponse<byte[]> raw, byte[] bytes, HttpResponse.BodyHandler<T> handler) {
    HttpResponse.ResponseInfo info =
        new HttpResponse.ResponseInfo() {
          @Override
          public int statusCode() {
            return raw.statusCode();
          }

          @Override
          public HttpHeaders headers() {
            return raw.headers();
          }

          @Override
          public Version version() {
            return raw.version();
          }
        };
    HttpResponse.BodySubscriber<T> subscriber = handler.apply(info);
    subscriber.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {}
        });
    if (bytes.length > 0) subscriber.onNext(List.of(ByteBuffer.wrap(bytes)));
    subscriber.onComplete();
    return subscriber.getBody().toCompletableFuture().join();
  }

  /** The delegate's response with the caller's body. */
  private record Checked<T>(HttpResponse<byte[]> raw, T body) implements HttpResponse<T> {
    @Override
    public int statusCode() {
      return raw.statusCode();
    }

    @Override
    public HttpRequest request() {
      return raw.request();
    }

    @Override
    public Optional<HttpResponse<T>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public HttpHeaders headers() {
      return raw.headers();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return raw.sslSession();
    }

    @Override
    public URI uri() {
      return raw.uri();
    }

    @Override
    public Version version() {
      return raw.version();
    }
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return delegate.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override
  public Version version() {
    return delegate.version();
  }

  @Override
  public Optional<Executor> executor() {
    return delegate.executor();
  }
}
