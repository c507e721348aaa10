package com.skyriff.data.cli;

import com.skyriff.data.rules.Secret;
import java.io.IOException;
import java.io.Writer;

/**
 * Every line the command line prints, text or {@code --json}, on standard output and error, passes here: it is held
 * until its end of line (or a flush) and written with its credentials masked ({@link Secret#mask(String)}), so no
 * command, present or future, can print a password from a URL or a driver message. Not thread-safe.
 */
final class MaskingWriter extends Writer {
    private final Writer out;
    private final StringBuilder line = new StringBuilder();

    MaskingWriter(Writer out) {
        this.out = out;
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            char c = cbuf[i];
            line.append(c);
            if (c == '\n') {
                drain();
            }
        }
    }

    private void drain() throws IOException {
        if (line.length() > 0) {
            out.write(Secret.mask(line.toString()));
            line.setLength(0);
        }
    }

    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        flush();
        out.close();
    }
}
