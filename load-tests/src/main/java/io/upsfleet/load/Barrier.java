package io.upsfleet.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Lines up the measured windows of several harness processes (one per gateway node in a multi-node
 * run): each says it is ready in a shared directory, and all start measuring when the script that
 * started them writes {@code go} there, after every one is ready.
 */
final class Barrier {
  private Barrier() {}

  static void await(Path dir, Duration within) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("ready-" + ProcessHandle.current().pid()), "ready\n");
    System.out.printf("  ready; waiting for %s%n", dir.resolve("go"));
    long deadline = System.nanoTime() + within.toNanos();
    while (!Files.exists(dir.resolve("go"))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no go in " + dir + " within " + within);
      }
      Thread.sleep(100);
    }
  }
}
