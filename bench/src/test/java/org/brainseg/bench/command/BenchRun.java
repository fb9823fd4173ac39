package org.brainseg.bench.command;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code ./bench/run ARGS} in-process and captures its output. */
record BenchRun(int code, String out, String err) {
    static BenchRun run(String... args) {
        CommandLine cl = BenchCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new BenchRun(code, out.toString(), err.toString());
    }
}
