package org.brainseg.cli.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * The demo talks to a person: its own lines go to stdout, the services' logs (broker, worker,
 * trainer) to a file, and only errors to the console as well.
 */
public final class DemoLogging {
    private DemoLogging() {}

    /** Sends every log line to {@code file}; keeps console appenders for errors only. */
    public static void toFile(Path file) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return; // another SLF4J binding: leave it alone
        }
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            Appender<ILoggingEvent> a = it.next();
            ThresholdFilter errorsOnly = new ThresholdFilter();
            errorsOnly.setLevel("ERROR");
            errorsOnly.setContext(ctx);
            errorsOnly.start();
            a.addFilter(errorsOnly);
        }
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n");
        enc.start();
        FileAppender<ILoggingEvent> fa = new FileAppender<>();
        fa.setContext(ctx);
        fa.setName("DEMO_FILE");
        fa.setFile(file.toString());
        fa.setAppend(false);
        fa.setEncoder(enc);
        fa.start();
        root.addAppender(fa);
        // the broker is chatty at INFO; its warnings are enough in the file
        ctx.getLogger("kafka").setLevel(Level.WARN);
        ctx.getLogger("state.change.logger").setLevel(Level.WARN);
        ctx.getLogger("org.apache.kafka").setLevel(Level.WARN);
    }
}
