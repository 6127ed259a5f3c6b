package io.upsfleet.persistence;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent data directory of the {@link EmbeddedDatabase} and the files next to it: checks
 * that PostgreSQL will be able to use it, stops a server that a killed process left running in it,
 * and keeps the superuser password and the server log.
 */
final class DataDirectory {

  static final String SUPERUSER_PASSWORD_FILE = "upsfleet-superuser-password";

  /** The lock file zonky's EmbeddedPostgres holds while it runs a server in the directory. */
  private static final String ZONKY_LOCK_FILE = "epg-lock";

  private static final String POSTMASTER_PID_FILE = "postmaster.pid";
  private static final long MAX_LOG_BYTES = 10L * 1024 * 1024;
  private static final Duration ORPHAN_STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);

  private final Path path;
  private final Path logFile;

  private DataDirectory(Path path) {
    this.path = path;
    this.logFile = path.resolveSibling(path.getFileName() + ".log");
  }

  /**
   * Creates the directory if needed and makes sure a server can be started in it.
   *
   * @throws IllegalStateException if the directory belongs to another user, or another process is
   *     using it
   */
  static DataDirectory prepare(Path configured) throws IOException {
    Path path = configured.toAbsolutePath().normalize();
    if (path.getFileName() == null) {
      throw new IllegalArgumentException(
          EmbeddedSettings.CONFIG_PATH + ".data-dir must not be the file system root");
    }
    Files.createDirectories(path);
    DataDirectory directory = new DataDirectory(path);
    directory.checkOwner();
    if (directory.initialised()) {
      directory.handleLeftoverServer();
    }
    directory.rotateLog();
    return directory;
  }

  Path path() {
    return path;
  }

  Path logFile() {
    return logFile;
  }

  /** Whether initdb has already run here (the same test zonky uses). */
  boolean initialised() {
    return Files.exists(path.resolve("postgresql.conf"));
  }

  Optional<String> superuserPassword() throws IOException {
    Path file = path.resolve(SUPERUSER_PASSWORD_FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
  }

  /** Stores the password, readable by the owner only, unless it is already stored. */
  void saveSuperuserPassword(String password) throws IOException {
    Path file = path.resolve(SUPERUSER_PASSWORD_FILE);
    if (!Files.exists(file)) {
      Path temporary = ownerOnlyFile(path, password);
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /**
   * Writes the password to a new owner-only file next to the data directory (initdb wants the data
   * directory empty), for initdb's {@code --pwfile}. The caller deletes it.
   */
  Path passwordFileForInitdb(String password) throws IOException {
    return ownerOnlyFile(path.getParent(), password);
  }

  private static Path ownerOnlyFile(Path directory, String content) throws IOException {
    Path file =
        Files.createTempFile(
            directory,
            "." + SUPERUSER_PASSWORD_FILE,
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content + "\n", StandardCharsets.UTF_8);
    return file;
  }

  long logSize() throws IOException {
    return Files.exists(logFile) ? Files.size(logFile) : 0;
  }

  /** The last lines the server logged after {@code offset}, for error messages. */
  String logTail(long offset, int maxLines) {
    Deque<String> lines = new ArrayDeque<>();
    try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
      file.seek(Math.min(offset, file.length()));
      String line;
      while ((line = file.readLine()) != null) {
        lines.addLast(
            new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        if (lines.size() > maxLines) {
          lines.removeFirst();
        }
      }
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e.getMessage() + ")";
    }
    return lines.isEmpty() ? "(nothing)" : String.join("\n", lines);
  }

  private void checkOwner() throws IOException {
    long owner = ((Number) Files.getAttribute(path, "unix:uid")).longValue();
    long self = new UnixSystem().getUid();
    if (owner != self) {
      throw new IllegalStateException(
          "The embedded PostgreSQL data directory "
              + path
              + " belongs to user id "
              + owner
              + ", but this process runs as user id "
              + self
              + ". PostgreSQL only uses a data"
              + " directory owned by the user that runs it (also when run as root: then it must"
              + " belong to root). Run as its owner, change its owner (chown -R), or point "
              + EmbeddedSettings.CONFIG_PATH
              + ".data-dir (UPSFLEET_DB_EMBEDDED_DATA_DIR) at"
              + " another directory.");
    }
  }

  /**
   * Deals with a {@code postmaster.pid} left behind by a server that was not stopped cleanly.
   *
   * <p>A process that is killed (kill -9, OOM killer) cannot stop its server, which keeps running
   * on the old port and blocks every later start here. Holding zonky's lock proves that no live
   * EmbeddedPostgres owns the directory, so a postmaster still running in it is such an orphan:
   * stop it (SIGTERM, PostgreSQL's "smart" shutdown) before starting anew. After a reboot or
   * container restart the recorded PID may instead belong to another program of the same user
   * (always the case as root), which PostgreSQL would take for a running server and refuse to
   * start: that file is stale and is removed. Every other case is left to PostgreSQL's own checks.
   */
  private void handleLeftoverServer() throws IOException {
    try (FileChannel channel =
            FileChannel.open(
                path.resolve(ZONKY_LOCK_FILE),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = tryLock(channel)) {
      if (lock == null) {
        throw inUse("another process");
      }
      Path pidFile = path.resolve(POSTMASTER_PID_FILE);
      if (Files.exists(pidFile)) {
        handlePidFile(pidFile);
      }
    }
  }

  private FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      throw inUse("another EmbeddedDatabase in this process");
    }
  }

  private IllegalStateException inUse(String user) {
    return new IllegalStateException(
        "The embedded PostgreSQL data directory "
            + path
            + " is in use by "
            + user
            + " (it holds "
            + path.resolve(ZONKY_LOCK_FILE)
            + "). Stop it first, or point "
            + EmbeddedSettings.CONFIG_PATH
            + ".data-dir (UPSFLEET_DB_EMBEDDED_DATA_DIR) at another"
            + " directory.");
  }

  private void handlePidFile(Path pidFile) throws IOException {
    // Line 1: the postmaster's PID; line 2: its data directory (see PostgreSQL's miscinit.c).
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    if (lines.size() < 2) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).strip());
    } catch (NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    Optional<String> command = process.flatMap(p -> p.info().command());
    if (process.isEmpty() || command.isEmpty()) {
      return;
    }
    if (!command.get().endsWith("/postgres")) {
      LOG.warn("Removing the stale {}: its PID {} now belongs to {}", pidFile, pid, command.get());
      Files.delete(pidFile);
      return;
    }
    Path recorded = Path.of(lines.get(1).strip());
    if (Files.exists(recorded) && Files.isSameFile(recorded, path)) {
      stop(process.get());
    }
  }

  private void stop(ProcessHandle postmaster) {
    LOG.warn(
        "A PostgreSQL server (pid {}) is still running in {}: the process that started it ended"
            + " without stopping it. Stopping it now.",
        postmaster.pid(),
        path);
    postmaster.destroy();
    try {
      postmaster.onExit().get(ORPHAN_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new IllegalStateException(
          "The PostgreSQL server (pid "
              + postmaster.pid()
              + ") left running in "
              + path
              + " did not stop within "
              + ORPHAN_STOP_TIMEOUT.toSeconds()
              + "s; stop it (kill -INT "
              + postmaster.pid()
              + ") and start again.",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while stopping PostgreSQL in " + path, e);
    }
  }

  private void rotateLog() throws IOException {
    if (logSize() > MAX_LOG_BYTES) {
      Files.move(
          logFile,
          logFile.resolveSibling(logFile.getFileName() + ".1"),
          StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
