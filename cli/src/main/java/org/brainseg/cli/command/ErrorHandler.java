package org.brainseg.cli.command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Turns an exception from a command into one line on stderr and exit code 2 (bad input) or
 * 1 (anything else); the stack trace is shown only with {@code BRAINSEG_DEBUG=1}.
 */
public final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    static final int BAD_INPUT = 2;
    static final int FAILURE = 1;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        Throwable e = ex instanceof UncheckedIOException u ? u.getCause() : ex;
        String msg = e instanceof NoSuchFileException nsf ? nsf.getFile() + ": no such file" : e.getMessage();
        cl.getErr().println(cl.getCommandSpec().qualifiedName(" ") + ": " + (msg == null ? e.getClass().getSimpleName() : msg));
        if ("1".equals(System.getenv("BRAINSEG_DEBUG"))) {
            e.printStackTrace(cl.getErr());
        }
        return e instanceof IOException || e instanceof IllegalArgumentException || e instanceof BadInputException
                ? BAD_INPUT
                : FAILURE;
    }
}
