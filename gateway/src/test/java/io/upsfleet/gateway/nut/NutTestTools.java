package io.upsfleet.gateway.nut;

import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real NUT programs ({@code nut-client}, {@code nut-server}; {@code .ci/run} installs
 * them): {@code upsc}, {@code upscmd}, {@code upsrw} in {@code /usr/bin}, and the daemons and
 * drivers in {@code /lib/nut} ({@code /usr/sbin/upsd} and {@code upsmon} are wrappers that start
 * nothing without {@code /etc/nut/nut.conf}).
 */
public final class NutTestTools {
  private NutTestTools() {}

  /** The path of NUT program {@code name}; the test is skipped when NUT is not installed. */
  public static Path tool(String name) {
    for (String dir :
        List.of("/usr/bin", "/bin", "/lib/nut", "/usr/lib/nut", "/usr/sbin", "/sbin")) {
      Path p = Path.of(dir, name);
      if (name.equals("upsmon") || name.equals("upsd")) {
        if (!dir.contains("nut")) continue;
      }
      if (Files.isExecutable(p)) return p;
    }
    assumeThat(false)
        .as("NUT program " + name + " (apt-get install nut-client nut-server)")
        .isTrue();
    throw new IllegalStateException();
  }

  /** What a finished program printed (stdout and stderr together) and its exit status. */
  public record Run(int status, String output) {}

  /** Runs a NUT client to its end (at most 30 s). */
  public static Run run(Map<String, String> env, String... command) {
    List<String> cmd = new ArrayList<>(List.of(command));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " did not end within 30 s");
      }
      return new Run(
          p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static Run run(String... command) {
    return run(Map.of(), command);
  }

  /** Puts {@code serial} of {@code account} on Advanced through a license, as a customer would. */
  public static void makeAdvanced(UpsfleetClient support, String account, String serial) {
    String code =
        support
            .createOrder(
                "PO-" + GatewayFixture.uniqueSerial(),
                "SMARTCONNECT-ADVANCED-1Y",
                1,
                "ONLINE",
                "i@example.com")
            .code();
    support.redeem(code, account);
    support.assign(code, List.of(serial), null, false, account);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "ADVANCED".equals(support.device(serial).plan().plan()));
  }

  /** Stops a daemon started by a test and every process it forked. */
  public static void stop(Process p) {
    if (p == null) return;
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
