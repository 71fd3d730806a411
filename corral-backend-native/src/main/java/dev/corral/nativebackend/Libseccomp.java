package dev.corral.nativebackend;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.corral.core.EnvironmentException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import org.jspecify.annotations.Nullable;

/**
 * Bindings to the handful of libseccomp 2.5 functions {@link SeccompFilter} uses, called through
 * the FFM API. Constants mirror {@code seccomp.h}.
 *
 * <p>Failures: {@link #load} throws {@link EnvironmentException} with an install hint when {@code
 * libseccomp.so.2} or one of its symbols is missing; the other methods return libseccomp's results
 * (negative errno values) for the caller to judge.
 *
 * <p>Thread-safety: the bindings are immutable and shared. A filter context is not thread-safe;
 * {@link SeccompFilter} confines each one to a single thread.
 */
// Calling C is the purpose of this class; the JVM needs --enable-native-access (surefire has it).
@SuppressWarnings("restricted")
final class Libseccomp {
  static final String LIBRARY = "libseccomp.so.2";
  static final String INSTALL_HINT = "install libseccomp2 (apt-get install libseccomp2)";

  static final int ACT_ALLOW = 0x7fff0000;

  /** {@code enum scmp_compare}: {@code (arg & datum_a) == datum_b}. */
  static final int CMP_MASKED_EQ = 7;

  /** {@code __NR_SCMP_ERROR}: the name is unknown on every architecture. */
  static final int NR_SCMP_ERROR = -1;

  /** {@code struct scmp_arg_cmp { unsigned int arg; enum scmp_compare op; u64 a; u64 b; }}. */
  static final StructLayout ARG_CMP =
      MemoryLayout.structLayout(
          JAVA_INT.withName("arg"),
          JAVA_INT.withName("op"),
          JAVA_LONG.withName("datum_a"),
          JAVA_LONG.withName("datum_b"));

  private static @Nullable Libseccomp loaded;

  private final MethodHandle init;
  private final MethodHandle release;
  private final MethodHandle resolveName;
  private final MethodHandle ruleAddArray;
  private final MethodHandle exportBpf;
  private final MethodHandle version;

  private Libseccomp(SymbolLookup lookup) {
    init = bind(lookup, "seccomp_init", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    release = bind(lookup, "seccomp_release", FunctionDescriptor.ofVoid(ADDRESS));
    resolveName =
        bind(lookup, "seccomp_syscall_resolve_name", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    ruleAddArray =
        bind(
            lookup,
            "seccomp_rule_add_array",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    exportBpf =
        bind(lookup, "seccomp_export_bpf", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    version = bind(lookup, "seccomp_version", FunctionDescriptor.of(ADDRESS));
  }

  /**
   * Loads the library once per JVM; a failed load is retried on the next call.
   *
   * @throws EnvironmentException if libseccomp is not installed or too old
   */
  static synchronized Libseccomp load() {
    Libseccomp current = loaded;
    if (current == null) {
      try {
        // The global arena keeps the library loaded for the life of the JVM, as a shared cache
        // of method handles must.
        current = new Libseccomp(SymbolLookup.libraryLookup(LIBRARY, Arena.global()));
      } catch (IllegalArgumentException e) {
        throw new EnvironmentException(
            "cannot load " + LIBRARY + ": " + e.getMessage(), INSTALL_HINT, e);
      }
      loaded = current;
    }
    return current;
  }

  /** {@code seccomp_init}; returns {@link MemorySegment#NULL} on failure. */
  MemorySegment init(int defaultAction) {
    try {
      return (MemorySegment) init.invokeExact(defaultAction);
    } catch (Throwable t) {
      throw Libc.rethrow(t);
    }
  }

  void release(MemorySegment context) {
    try {
      release.invokeExact(context);
    } catch (Throwable t) {
      throw Libc.rethrow(t);
    }
  }

  /** The native syscall number, a negative pseudo-number, or {@link #NR_SCMP_ERROR}. */
  int resolveName(String name) {
    try (Arena arena = Arena.ofConfined()) {
      return (int) resolveName.invokeExact(arena.allocateFrom(name));
    } catch (Throwable t) {
      throw Libc.rethrow(t);
    }
  }

  /** {@code seccomp_rule_add_array}; {@code comparisons} is an array of {@link #ARG_CMP}. */
  int ruleAdd(MemorySegment context, int action, int syscall, int count, MemorySegment cmps) {
    try {
      return (int) ruleAddArray.invokeExact(context, action, syscall, count, cmps);
    } catch (Throwable t) {
      throw Libc.rethrow(t);
    }
  }

  int exportBpf(MemorySegment context, int fd) {
    try {
      return (int) exportBpf.invokeExact(context, fd);
    } catch (Throwable t) {
      throw Libc.rethrow(t);
    }
  }

  /** The runtime library's version, e.g. {@code 2.5.4}. */
  String version() {
    try {
      MemorySegment v = ((MemorySegment) version.invokeExact()).reinterpret(3L * Integer.BYTES);
      return v.get(JAVA_INT, 0) + "." + v.get(JAVA_INT, 4) + "." + v.get(JAVA_INT, 8);
    } catch (Throwable t) {
      throw Libc.rethrow(t);
    }
  }

  private static MethodHandle bind(SymbolLookup lookup, String name, FunctionDescriptor fd) {
    MemorySegment symbol =
        lookup
            .find(name)
            .orElseThrow(
                () ->
                    new EnvironmentException(
                        LIBRARY + " has no function " + name + " (libseccomp 2.5 or later needed)",
                        INSTALL_HINT));
    return Linker.nativeLinker().downcallHandle(symbol, fd);
  }
}
