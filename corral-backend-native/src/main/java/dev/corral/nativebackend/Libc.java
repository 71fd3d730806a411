package dev.corral.nativebackend;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.corral.core.SandboxException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few C library calls the native backend needs, made through the FFM API instead of shelling
 * out to {@code kill} or {@code id}.
 *
 * <p>Failures: {@link #kill} throws {@link SandboxException} for any error but {@code ESRCH} (the
 * process is already gone, which is what the caller wanted). The identity calls cannot fail.
 *
 * <p>Thread-safety: all methods are static and safe to call from any thread; {@code errno} is
 * captured per call, so concurrent calls do not see each other's errors.
 */
// Calling C is the purpose of this class; the JVM needs --enable-native-access (surefire has it).
@SuppressWarnings("restricted")
final class Libc {
  static final int EPERM = 1;
  static final int ESRCH = 3;
  static final int ENOSYS = 38;

  private static final int MFD_CLOEXEC = 1;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO = CALL_STATE.varHandle(PathElement.groupElement("errno"));

  private static final MethodHandle KILL =
      downcall("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), true);
  private static final MethodHandle MEMFD_CREATE =
      downcall("memfd_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), true);
  private static final MethodHandle CLOSE =
      downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), false);
  private static final MethodHandle GETEUID =
      downcall("geteuid", FunctionDescriptor.of(JAVA_INT), false);
  private static final MethodHandle GETEGID =
      downcall("getegid", FunctionDescriptor.of(JAVA_INT), false);

  private Libc() {}

  /**
   * Sends {@code signal} to process {@code pid} (or to a process group when {@code pid} is
   * negative, as kill(2) does). A process that no longer exists is not an error.
   */
  static void kill(long pid, int signal) {
    int nativePid = Math.toIntExact(pid);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int result = (int) KILL.invokeExact(state, nativePid, signal);
      int errno = (int) ERRNO.get(state, 0L);
      if (result != 0 && errno != ESRCH) {
        throw new SandboxException(
            "kill(" + pid + ", " + signal + ") failed: " + describe(errno),
            "check that the process belongs to this user; run `corral doctor`");
      }
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The effective user id of this JVM. */
  static int geteuid() {
    try {
      return (int) GETEUID.invokeExact();
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The effective group id of this JVM. */
  static int getegid() {
    try {
      return (int) GETEGID.invokeExact();
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * Creates an anonymous in-memory file (close-on-exec) and returns its descriptor; the caller
   * closes it with {@link #close}.
   *
   * @throws SandboxException if the kernel refuses
   */
  static int memfdCreate(String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int fd = (int) MEMFD_CREATE.invokeExact(state, arena.allocateFrom(name), MFD_CLOEXEC);
      if (fd < 0) {
        int errno = (int) ERRNO.get(state, 0L);
        throw new SandboxException(
            "memfd_create(" + name + ") failed: " + describe(errno),
            "check the open-files limit (ulimit -n)");
      }
      return fd;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Closes a descriptor; errors are ignored because nothing useful can follow them. */
  static void close(int fd) {
    try {
      int ignored = (int) CLOSE.invokeExact(fd);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static String describe(int errno) {
    String name =
        switch (errno) {
          case EPERM -> "EPERM";
          case ESRCH -> "ESRCH";
          case 9 -> "EBADF";
          case 12 -> "ENOMEM";
          case 14 -> "EFAULT";
          case 22 -> "EINVAL";
          case 24 -> "EMFILE";
          case ENOSYS -> "ENOSYS";
          default -> "errno";
        };
    return name + " (" + errno + ")";
  }

  /** Downcalls throw only what the callee throws; keep ours unchanged and wrap the rest. */
  static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException runtime) {
      return runtime;
    }
    if (t instanceof Error error) {
      throw error;
    }
    return new IllegalStateException(t);
  }

  private static MethodHandle downcall(
      String name, FunctionDescriptor descriptor, boolean captureErrno) {
    MemorySegment symbol =
        LINKER
            .defaultLookup()
            .find(name)
            .orElseThrow(() -> new IllegalStateException("libc has no symbol " + name));
    return captureErrno
        ? LINKER.downcallHandle(symbol, descriptor, Linker.Option.captureCallState("errno"))
        : LINKER.downcallHandle(symbol, descriptor);
  }
}
