package io.upsfleet.ui.live;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.shared.Registration;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one scheduler of the console: background loads and periodic polls of every session run on its
 * few daemon threads (never a thread per user). Results are applied inside {@link UI#access}, so
 * they reach the browser by push; a UI that is gone simply drops them. Thread-safe.
 */
public final class LiveUpdates implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LiveUpdates.class);
  private final ScheduledExecutorService scheduler;

  public LiveUpdates(int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory tf =
        r -> {
          Thread t = new Thread(r, "console-live-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.scheduler = Executors.newScheduledThreadPool(threads, tf);
  }

  /**
   * Runs {@code call} in the background once, then {@code onResult} or {@code onError} in {@code
   * ui}. Use it for every gateway call of a view, so the request thread never waits on the network.
   */
  public <T> void load(
      UI ui, Supplier<T> call, Consumer<T> onResult, Consumer<RuntimeException> onError) {
    scheduler.execute(() -> runOnce(ui, call, onResult, onError));
  }

  /**
   * Runs {@code call} now and every {@code interval} until the returned registration is removed or
   * the UI detaches. Runs never overlap (fixed delay), so a slow gateway slows the poll instead of
   * piling it up.
   */
  public <T> Registration every(
      UI ui,
      Duration interval,
      Supplier<T> call,
      Consumer<T> onResult,
      Consumer<RuntimeException> onError) {
    ScheduledFuture<?> f =
        scheduler.scheduleWithFixedDelay(
            () -> runOnce(ui, call, onResult, onError),
            0,
            interval.toMillis(),
            TimeUnit.MILLISECONDS);
    Registration detach = ui.addDetachListener(e -> f.cancel(false));
    return () -> {
      f.cancel(false);
      detach.remove();
    };
  }

  private static <T> void runOnce(
      UI ui, Supplier<T> call, Consumer<T> onResult, Consumer<RuntimeException> onError) {
    if (!ui.isAttached()) return;
    try {
      T value = call.get();
      ui.access(() -> onResult.accept(value));
    } catch (RuntimeException e) {
      try {
        ui.access(() -> onError.accept(e));
      } catch (RuntimeException gone) {
        log.debug("UI gone while reporting an error", gone);
      }
    } catch (Error e) {
      log.error("live update failed", e);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
