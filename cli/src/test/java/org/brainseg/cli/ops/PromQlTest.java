package org.brainseg.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PromQlTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "up{job=\"brainseg-worker\"} == 0 | up",
        "sum by (stage, le) (rate(brainseg_scan_stage_seconds_bucket{stage=~\"in.*\"}[5m])) | brainseg_scan_stage_seconds_bucket",
        "histogram_quantile(0.95, sum by (le) (rate(x_bucket[$__rate_interval]))) > 120 | x_bucket",
        "a_total / ignoring(reason) group_left b_total offset 5m and on() c > 0 | a_total b_total c",
        "rate(m_sum[1h] offset 30m) / rate(m_count[1h]) - 0.05 < bool 1 | m_sum m_count",
        "max without (model) (brainseg_model_active_version) < 1 or absent(y) | brainseg_model_active_version y",
        "label_replace(v, \"dst\", \"$1\", \"src\", \"(.*)\") | v",
        "sum(rate(brainseg_scans_completed_total[${__range}])) * 60 | brainseg_scans_completed_total",
    })
    void shouldFindTheMetricNamesOfAnExpression(String expr, String names) {
        assertThat(PromQl.metricNames(expr)).isEqualTo(Set.copyOf(Arrays.asList(names.strip().split(" "))));
    }
}
