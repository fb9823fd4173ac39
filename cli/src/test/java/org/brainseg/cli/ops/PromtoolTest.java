package org.brainseg.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prometheus' own checker on monitoring/: config, rules, the rules' unit tests, the dashboard's queries. */
class PromtoolTest {
    static Tool promtool;

    @BeforeAll
    static void findPromtool() {
        promtool = Tool.require(Tool.find("promtool"), "promtool", "prometheus");
    }

    @Test
    void shouldAcceptThePrometheusConfigAndTheRulesItLoads() throws Exception {
        assertThat(promtool.check("check", "config", Monitoring.PROMETHEUS)).contains("1 rule files found");
        assertThat(promtool.check("check", "rules", Monitoring.RULES)).contains("SUCCESS");
    }

    @Test
    void shouldPassTheAlertUnitTests() throws Exception {
        assertThat(promtool.check("test", "rules", Monitoring.RULE_TESTS)).contains("SUCCESS");
    }

    @Test
    void shouldTestEveryAlertFiringAndSilent() throws Exception {
        Set<String> firing = new TreeSet<>();
        Set<String> silent = new TreeSet<>();
        for (JsonNode test : Repo.yaml(Monitoring.RULE_TESTS).path("tests")) {
            for (JsonNode t : test.path("alert_rule_test")) {
                (t.path("exp_alerts").isEmpty() ? silent : firing).add(t.path("alertname").asText());
            }
        }
        Set<String> alerts = Monitoring.ruleExpressions().keySet();
        assertThat(alerts).as("alerts").isNotEmpty();
        assertThat(firing).as("alerts shown firing").containsAll(alerts);
        assertThat(silent).as("alerts shown silent on a near miss").containsAll(alerts);
    }

    /** promtool has no query checker: each panel query becomes a recording rule it parses. */
    @Test
    void shouldParseEveryDashboardQuery(@TempDir Path tmp) throws Exception {
        List<String> exprs = Monitoring.dashboardExpressions();
        assertThat(exprs).hasSizeGreaterThan(10);
        ObjectNode root = Repo.YAML.createObjectNode();
        ArrayNode rules = root.putArray("groups").addObject().put("name", "dashboard").putArray("rules");
        for (int i = 0; i < exprs.size(); i++) {
            // Grafana's interval variables become a plain duration, as Grafana substitutes them
            String e = exprs.get(i).replace("$__rate_interval", "5m").replace("$__interval", "1m");
            assertThat(e).as("an unknown Grafana variable in %s", exprs.get(i)).doesNotContain("$");
            rules.addObject().put("record", "dashboard:panel_" + i).put("expr", e);
        }
        Path file = tmp.resolve("dashboard.rules.yml");
        Files.writeString(file, Repo.YAML.writeValueAsString(root));
        assertThat(promtool.check("check", "rules", file.toString())).contains("SUCCESS: " + exprs.size() + " rules found");
    }
}
