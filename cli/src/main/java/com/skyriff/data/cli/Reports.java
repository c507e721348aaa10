package com.skyriff.data.cli;

import com.skyriff.data.migrations.RunResult;
import com.skyriff.data.migrations.SqlPlan;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders plans (the exact SQL per database) and run results as text or JSON. Stateless. */
final class Reports {
    private Reports() {
    }

    static void printPlan(SqlPlan plan, PrintWriter out) {
        for (SqlPlan.NodeWork n : plan.nodes()) {
            out.println("-- " + n.node().describe() + "  " + n.node().spec().maskedUrl());
            if (n.error() != null) {
                out.println("-- ERROR " + n.error());
            } else if (n.units().isEmpty()) {
                out.println("-- nothing to do");
            }
            for (SqlPlan.Unit u : n.units()) {
                out.println("-- " + u.label());
                for (String s : u.statements()) {
                    out.println(s + ";");
                }
            }
            out.println();
        }
        long databases = plan.nodes().stream().filter(n -> !n.units().isEmpty()).count();
        out.println("-- " + plan.action() + ": " + plan.statementCount() + " statements on " + databases
                + (databases == 1 ? " database" : " databases") + (plan.hasErrors() ? "; some databases could not be planned" : ""));
    }

    static Map<String, Object> planJson(String command, SqlPlan plan) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", command);
        m.put("action", plan.action());
        m.put("dryRun", true);
        m.put("ok", !plan.hasErrors());
        m.put("statements", plan.statementCount());
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (SqlPlan.NodeWork n : plan.nodes()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("node", n.node().describe());
            x.put("url", n.node().spec().maskedUrl());
            x.put("error", n.error());
            List<Map<String, Object>> units = new ArrayList<>();
            for (SqlPlan.Unit u : n.units()) {
                Map<String, Object> y = new LinkedHashMap<>();
                y.put("label", u.label());
                y.put("statements", u.statements());
                units.add(y);
            }
            x.put("units", units);
            nodes.add(x);
        }
        m.put("nodes", nodes);
        return m;
    }

    static void printRun(RunResult r, PrintWriter out) {
        TextTable t = new TextTable("node", "status", "done", "detail");
        for (RunResult.NodeResult n : r.nodes()) {
            String done = n.done().isEmpty() ? "-" : String.join(", ", n.done());
            t.row(n.node().describe(), n.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), done,
                    n.error() != null ? n.error() : n.detail());
        }
        t.print(out);
        if (r.success()) {
            out.println(r.action() + ": " + (r.noChange() ? "nothing to do, every database is up to date" : "done"));
        } else {
            out.println(r.action() + ": stopped at the failure above; nodes marked 'not attempted' were left unchanged. "
                    + "Fix the cause and run the same command again: it continues from there.");
        }
    }

    static Map<String, Object> runJson(String command, RunResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", command);
        m.put("action", r.action());
        m.put("dryRun", false);
        m.put("ok", r.success());
        m.put("changed", !r.noChange());
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (RunResult.NodeResult n : r.nodes()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("node", n.node().describe());
            x.put("url", n.node().spec().maskedUrl());
            x.put("status", n.status().name());
            x.put("done", n.done());
            x.put("failed", n.failed());
            x.put("error", n.error());
            x.put("detail", n.detail());
            nodes.add(x);
        }
        m.put("nodes", nodes);
        return m;
    }
}
