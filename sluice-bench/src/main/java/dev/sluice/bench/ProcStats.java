package dev.sluice.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What Linux's /proc says about a process: resident memory, threads, open file descriptors. */
final class ProcStats {

    /**
     * One reading; a field is -1 when /proc could not tell (not Linux, or the process is gone).
     *
     * @param rssBytes resident set size (VmRSS)
     * @param threads  OS threads (Threads)
     * @param fds      entries in /proc/PID/fd
     * @param cpuMillis user + system CPU time used so far (utime + stime of /proc/PID/stat)
     */
    record Sample(long rssBytes, long threads, long fds, long cpuMillis) {}

    /** Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on Linux). */
    static final long TICKS_PER_SECOND = 100;

    private ProcStats() {}

    static Sample of(long pid) {
        long rss = -1;
        long threads = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.substring(6).replace("kB", "").strip()) * 1024;
                } else if (line.startsWith("Threads:")) {
                    threads = Long.parseLong(line.substring(8).strip());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux or the process is gone: -1
        }
        String[] fds = new File("/proc/" + pid + "/fd").list();
        return new Sample(rss, threads, fds == null ? -1 : fds.length, cpuMillis(pid));
    }

    /** User and kernel CPU time used so far, in milliseconds ({utime, stime} of /proc/PID/stat); -1s when unknown. */
    static long[] cpuSplitMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {
                Long.parseLong(f[11]) * 1000 / TICKS_PER_SECOND, Long.parseLong(f[12]) * 1000 / TICKS_PER_SECOND
            };
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    private static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // fields after the command name, which is in parentheses and may hold spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
