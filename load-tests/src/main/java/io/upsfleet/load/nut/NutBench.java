package io.upsfleet.load.nut;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * N NUT clients, one connection and one thread each (the client side may block; the server's cost
 * is what is measured), each polling {@code LIST VAR <serial>} back to back (closed loop) over the
 * serials, client i starting at its own offset. Latency is from the request's send to its {@code
 * END LIST} (or {@code ERR}) line; what the warm-up measured is discarded.
 */
public final class NutBench {
  private NutBench() {}

  /** The outcome of a run. */
  public record Result(
      long requests, long lists, long stale, long errors, double seconds, Histogram latencyMicros) {
    public double perSecond() {
      return requests / seconds;
    }
  }

  public static Result run(
      InetSocketAddress nut,
      String user,
      String password,
      List<String> serials,
      int clients,
      Duration warmup,
      Duration duration)
      throws InterruptedException {
    Recorder recorder = new Recorder(3);
    LongAdder requests = new LongAdder();
    LongAdder lists = new LongAdder();
    LongAdder stale = new LongAdder();
    LongAdder errors = new LongAdder();
    long end = System.nanoTime() + warmup.toNanos() + duration.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      int offset = (int) ((long) i * serials.size() / clients);
      Thread t =
          new Thread(
              () ->
                  client(
                      nut, user, password, serials, offset, end, recorder, requests, lists, stale,
                      errors),
              "nut-client-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    Thread.sleep(warmup.toMillis());
    recorder.getIntervalHistogram(); // the warm-up's latencies are dropped
    long r0 = requests.sum();
    long l0 = lists.sum();
    long s0 = stale.sum();
    long e0 = errors.sum();
    long started = System.nanoTime();
    for (Thread t : threads) t.join();
    double seconds = (System.nanoTime() - started) / 1e9;
    return new Result(
        requests.sum() - r0,
        lists.sum() - l0,
        stale.sum() - s0,
        errors.sum() - e0,
        seconds,
        recorder.getIntervalHistogram());
  }

  private static void client(
      InetSocketAddress nut,
      String user,
      String password,
      List<String> serials,
      int offset,
      long end,
      Recorder recorder,
      LongAdder requests,
      LongAdder lists,
      LongAdder stale,
      LongAdder errors) {
    int i = offset;
    while (System.nanoTime() < end) {
      try (Socket s = new Socket()) {
        s.connect(nut, 5000);
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true);
        BufferedReader in =
            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream();
        if (user != null && !user.isEmpty()) {
          out.write(
              ("USERNAME " + user + "\nPASSWORD " + password + "\n")
                  .getBytes(StandardCharsets.UTF_8));
          out.flush();
          in.readLine();
          in.readLine();
        }
        while (System.nanoTime() < end) {
          String serial = serials.get(i++ % serials.size());
          long t0 = System.nanoTime();
          out.write(("LIST VAR " + serial + "\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
          String first = in.readLine();
          if (first == null) throw new IOException("closed");
          if (first.startsWith("BEGIN LIST")) {
            String line;
            do {
              line = in.readLine();
              if (line == null) throw new IOException("closed");
            } while (!line.startsWith("END LIST"));
            lists.increment();
          } else if (first.equals("ERR DATA-STALE")) {
            stale.increment();
          } else {
            errors.increment();
          }
          recorder.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
          requests.increment();
        }
      } catch (IOException e) {
        errors.increment();
      }
    }
  }
}
