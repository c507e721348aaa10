package com.skyriff.data.cli;

import com.skyriff.data.migrations.Progress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a long command on standard error, one line per node (shard primary): on a terminal a bar redrawn in
 * place ({@code \r}) that ends with a newline when the node is done; in a log (CI, a pipe, a file) no carriage returns,
 * a line at each quarter of the node's steps. {@code --json} shows none (see {@link BaseCommand#progress()}).
 * {@code SKYRIFF_PROGRESS=bar|lines|off} overrides the choice. Called from one thread; not thread-safe.
 */
final class ProgressBar implements Progress {
    enum Mode {
        BAR, LINES, OFF;

        /** From {@code SKYRIFF_PROGRESS}; unset or {@code auto}: a bar on a terminal, lines elsewhere. */
        static Mode of(String setting, boolean terminal) {
            if (setting == null || setting.isBlank() || setting.equalsIgnoreCase("auto")) {
                return terminal ? BAR : LINES;
            }
            return switch (setting.trim().toLowerCase(Locale.ROOT)) {
                case "bar" -> BAR;
                case "lines" -> LINES;
                case "off" -> OFF;
                default -> throw new IllegalArgumentException("SKYRIFF_PROGRESS must be one of [auto, bar, lines, off]; was '"
                        + setting + "'");
            };
        }
    }

    private static final int WIDTH = 24;
    private final PrintWriter err;
    private final String command;
    private final Mode mode;
    private String current;
    private int lastQuarter;
    private boolean open;

    ProgressBar(PrintWriter err, String command, Mode mode) {
        this.err = err;
        this.command = command;
        this.mode = mode;
    }

    @Override
    public void update(String where, String what, int done, int total) {
        if (mode == Mode.OFF) {
            return;
        }
        if (!where.equals(current)) {
            finishLine();
            current = where;
            lastQuarter = 0;
        }
        int percent = total <= 0 ? 100 : (int) (100L * done / total);
        if (mode == Mode.BAR) {
            int filled = total <= 0 ? WIDTH : (int) ((long) WIDTH * done / total);
            err.print("\r[" + command + "] " + where + " [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + done
                    + "/" + total + " " + clip(what) + "\u001b[K");
            open = true;
            if (done >= total) {
                finishLine();
            }
        } else {
            int quarter = done >= total ? 4 : percent / 25;   // 4: done, reported once
            if (quarter > lastQuarter) {
                lastQuarter = quarter;
                err.println("[" + command + "] " + where + ": " + done + "/" + total + " (" + percent + "%)"
                        + (done >= total ? " done" : " " + what));
            }
        }
        err.flush();
    }

    private void finishLine() {
        if (open) {
            err.println();
            open = false;
        }
    }

    private static String clip(String what) {
        return what.length() <= 60 ? what : what.substring(0, 59) + "…";
    }
}
