package io.upsfleet.cluster.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class HashingPoolTest {

  @Test
  void refusesWorkAtOnceWhenEveryThreadIsBusyAndTheQueueIsFull() throws Exception {
    try (HashingPool pool = new HashingPool(2, 3)) {
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch started = new CountDownLatch(2);
      CompletionStage<?>[] admitted = new CompletionStage<?>[5];
      for (int i = 0; i < 5; i++) {
        admitted[i] =
            pool.submit(
                () -> {
                  started.countDown();
                  await(release);
                  return "hashed";
                });
      }
      started.await();
      assertTrue(pool.saturated(), "2 running + 3 waiting");
      CompletableFuture<String> refused = pool.submit(() -> "hashed").toCompletableFuture();
      assertTrue(refused.isDone(), "refused at once, not queued");
      ExecutionException e = assertThrows(ExecutionException.class, refused::get);
      AccountException busy = assertInstanceOf(AccountException.class, e.getCause());
      assertEquals(AccountException.Reason.BUSY, busy.reason());

      release.countDown();
      for (CompletionStage<?> a : admitted) assertEquals("hashed", a.toCompletableFuture().get());
      assertFalse(pool.saturated());
      assertEquals("hashed", pool.submit(() -> "hashed").toCompletableFuture().get());
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
