package tw.tongbao.bench.system;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the benchmark runs the gateway and the adapters, so that their memory is bounded and flat by construction
 * rather than by luck: a fixed heap ({@code -Xms} = {@code -Xmx}) committed and touched at start, the serial
 * collector, and native memory that glibc keeps after it is freed handed back every few seconds.
 *
 * <p>Why (measured with native memory tracking on 40,000-change backlogs, findings 2026-11-26): with G1 the heap
 * was committed at 137 of 256 MB and could still grow towards its cap on a long, fast drain, and G1's own structures
 * took 43 MB. The serial collector needs almost none and no concurrent threads on a two-core box (it is also what the
 * JVM picks by itself in a container of under 1,792 MB). What then still grew during a drain (+38 MB) was memory no
 * JVM category accounts for: native memory freed (mostly by the JIT compilers) but kept by glibc's malloc; a
 * {@code System.trim_native_heap} gave back 41 MB of it at once. {@code TrimNativeHeapInterval} does that
 * periodically, and two malloc arenas keep what there is to trim small.
 *
 * @param heap the heap size, both initial and maximum
 * @param jfr record a flight recording
 * @param extraFlags further flags, after these (a later flag wins, e.g. {@code -XX:+UseG1GC})
 */
public record ServiceJvm(String heap, boolean jfr, List<String> extraFlags) {

    /** The environment the services run with, on top of the benchmark's own. */
    public static final Map<String, String> ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

    public ServiceJvm {
        extraFlags = List.copyOf(extraFlags);
    }

    /** The flags for a service whose flight recording, if any, goes to {@code recording}. */
    public List<String> flags(Path recording) {
        List<String> flags = new ArrayList<>(List.of(
                "-Xms" + heap,
                "-Xmx" + heap,
                "-XX:+AlwaysPreTouch",
                "-XX:+UseSerialGC",
                "-XX:TrimNativeHeapInterval=5000",
                "-XX:+ExitOnOutOfMemoryError"));
        if (jfr) {
            flags.add(
                    "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + recording.toAbsolutePath());
        }
        flags.addAll(extraFlags);
        return flags;
    }

    /** The flags and environment as the report's settings table shows them. */
    public String describe() {
        StringBuilder text = new StringBuilder(String.join(" ", flags(Path.of("<service>.jfr"))));
        ENVIRONMENT.forEach(
                (name, value) -> text.append(", ").append(name).append('=').append(value));
        return text.append(", JVM defaults otherwise").toString();
    }
}
