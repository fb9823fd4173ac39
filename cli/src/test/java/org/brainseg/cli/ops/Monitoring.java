package org.brainseg.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The PromQL expressions of monitoring/: alert rules and dashboard panels. */
final class Monitoring {
    static final String PROMETHEUS = "monitoring/prometheus.yml";
    static final String RULES = "monitoring/rules/brainseg.rules.yml";
    static final String RULE_TESTS = "monitoring/rules/brainseg.rules.test.yml";
    static final String DASHBOARD = "monitoring/grafana/dashboards/brainseg.json";

    private Monitoring() {}

    /** Alert name (or recorded name) to its expression. */
    static Map<String, String> ruleExpressions() throws IOException {
        Map<String, String> exprs = new LinkedHashMap<>();
        for (JsonNode group : Repo.yaml(RULES).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.has("alert") ? rule.get("alert").asText() : rule.path("record").asText();
                exprs.put(name, rule.path("expr").asText());
            }
        }
        return exprs;
    }

    /** Names produced by recording rules: used by other expressions, exported by nobody. */
    static Set<String> recordedNames() throws IOException {
        Set<String> names = new TreeSet<>();
        for (JsonNode group : Repo.yaml(RULES).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("record")) {
                    names.add(rule.get("record").asText());
                }
            }
        }
        return names;
    }

    /** Every panel's target expressions, rows and nested panels included. */
    static List<String> dashboardExpressions() throws IOException {
        List<String> exprs = new ArrayList<>();
        collect(Repo.json(DASHBOARD).path("panels"), exprs);
        return exprs;
    }

    private static void collect(JsonNode panels, List<String> exprs) {
        for (JsonNode p : panels) {
            for (JsonNode t : p.path("targets")) {
                if (t.hasNonNull("expr")) {
                    exprs.add(t.get("expr").asText());
                }
            }
            collect(p.path("panels"), exprs);
        }
    }

    /** Metric names read by the rules and the dashboard, less those recording rules produce. */
    static Set<String> usedMetricNames() throws IOException {
        Set<String> names = new TreeSet<>();
        ruleExpressions().values().forEach(e -> names.addAll(PromQl.metricNames(e)));
        dashboardExpressions().forEach(e -> names.addAll(PromQl.metricNames(e)));
        names.removeAll(recordedNames());
        return names;
    }
}
