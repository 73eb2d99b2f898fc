package io.fogline.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

/**
 * Sends what java.util.logging prints (the log lines of nodes, control plane and libraries in this process) to a file
 * instead of the console while it is open, so that a command's own lines read as one story.
 */
final class LogFile implements AutoCloseable {

    private final Logger root = LogManager.getLogManager().getLogger("");
    private final Handler[] console;
    private final Handler file;

    private LogFile(Path path) throws IOException {
        OutputStream out = Files.newOutputStream(
                path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        file = new StreamHandler(out, new SimpleFormatter()) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        console = root.getHandlers();
        for (Handler handler : console) {
            root.removeHandler(handler);
        }
        root.addHandler(file);
    }

    static LogFile open(Path path) throws IOException {
        return new LogFile(path);
    }

    @Override
    public void close() {
        root.removeHandler(file);
        file.close();
        for (Handler handler : console) {
            root.addHandler(handler);
        }
    }
}
