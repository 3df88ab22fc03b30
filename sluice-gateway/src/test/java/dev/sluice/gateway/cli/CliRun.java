package dev.sluice.gateway.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/** One run of the CLI with a given environment and working directory; out and err captured. */
record CliRun(int exitCode, String out, String err) {

    static CliRun run(Map<String, String> env, Path workDir, String... args) {
        CommandLine cmd = SluiceCli.commandLine(env, workDir);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
