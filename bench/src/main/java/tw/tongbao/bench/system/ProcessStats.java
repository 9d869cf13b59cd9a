package tw.tongbao.bench.system;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Memory and CPU of processes from {@code /proc}: resident set (VmRSS), its peak (VmHWM), and CPU seconds
 * (utime + stime) of one process or of every process with a given command name (e.g. all {@code postgres}).
 */
public final class ProcessStats {

    // USER_HZ is 100 on every Linux the JVM runs on here; /proc/<pid>/stat counts in it.
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessStats() {}

    /** VmRSS in MiB, or -1 when the process is gone. */
    public static double rssMib(long pid) {
        return statusKib(pid, "VmRSS:") / 1024.0;
    }

    /** VmHWM (peak resident set since start) in MiB, or -1 when the process is gone. */
    public static double peakRssMib(long pid) {
        return statusKib(pid, "VmHWM:") / 1024.0;
    }

    /** CPU seconds used so far by one process, or -1 when it is gone. */
    public static double cpuSeconds(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        return stat == null ? -1 : cpuOf(stat);
    }

    /**
     * CPU seconds the JIT compiler threads ({@code C1 CompilerThread*}, {@code C2 CompilerThread*}) of one JVM have used
     * so far, or -1 when it is gone: the part of its CPU that goes to compiling, not to the work.
     */
    public static double compilerCpuSeconds(long pid) {
        double total = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path thread : threads) {
                String stat = read(thread.resolve("stat"));
                if (stat != null && commOf(stat).matches("C[12] CompilerThre.*")) {
                    total += cpuOf(stat);
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return total;
    }

    /** CPU seconds used so far by every live process whose command name is {@code comm}. */
    public static double cpuSecondsOfAll(String comm) {
        double total = 0;
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(
                Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path process : processes) {
                String stat = read(process.resolve("stat"));
                if (stat != null && comm.equals(commOf(stat))) {
                    total += cpuOf(stat);
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return total;
    }

    /** The label of the gateway's and adapters' JIT compiler CPU: already part of their own figures. */
    public static final String JIT = "jit";

    /**
     * CPU seconds of the processes the benchmark watches, by label, then the whole machine's and ({@link #JIT}) the
     * part of the gateway's and adapters' that their JIT compilers used.
     */
    public static Map<String, Double> cpuSnapshot(long gatewayPid, long adaptersPid) {
        Map<String, Double> cpu = new LinkedHashMap<>();
        cpu.put("gateway", cpuSeconds(gatewayPid));
        cpu.put("adapters", cpuSeconds(adaptersPid));
        cpu.put("postgres", cpuSecondsOfAll("postgres"));
        cpu.put("rabbitmq", cpuSecondsOfAll("beam.smp"));
        cpu.put("bench", cpuSeconds(ProcessHandle.current().pid()));
        cpu.put("machine", machineBusySeconds());
        double gatewayJit = compilerCpuSeconds(gatewayPid);
        double adaptersJit = compilerCpuSeconds(adaptersPid);
        cpu.put(JIT, gatewayJit < 0 || adaptersJit < 0 ? -1 : gatewayJit + adaptersJit);
        return cpu;
    }

    /** CPU seconds every process on the machine has used so far (all cores; {@code /proc/stat}), or -1. */
    public static double machineBusySeconds() {
        String stat = read(Path.of("/proc/stat"));
        if (stat == null) {
            return -1;
        }
        String[] fields = stat.lines().findFirst().orElse("").trim().split("\\s+");
        // cpu user nice system idle iowait irq softirq steal: busy is everything but idle and iowait.
        long busy = 0;
        for (int i = 1; i < Math.min(fields.length, 9); i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(fields[i]);
            }
        }
        return busy / TICKS_PER_SECOND;
    }

    static String commOf(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    static double cpuOf(String stat) {
        // Fields after the command name: state is field 3, utime 14, stime 15 (1-based, see proc(5)).
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    private static long statusKib(long pid, String key) {
        String status = read(Path.of("/proc", Long.toString(pid), "status"));
        if (status == null) {
            return -1;
        }
        for (String line : status.split("\n")) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return null;
        }
    }
}
