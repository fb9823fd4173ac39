package org.brainseg.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.brainseg.imaging.labels.Region;
import org.brainseg.imaging.labels.TumourLabel;
import org.junit.jupiter.api.Test;

class RegionValuesTest {
    static final RegionValues V = new RegionValues(1, 2, 3, 4, 5, 6);

    @Test
    void shouldNameEveryLabelAndRegionByTheKeyItsJsonFieldHas() throws Exception {
        var json = new ObjectMapper().valueToTree(V);
        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).isEqualTo(RegionValues.KEYS);
        for (TumourLabel l : TumourLabel.values()) {
            assertThat(json.get(RegionValues.key(l)).asDouble()).as(l.name()).isEqualTo(V.get(l));
        }
        for (Region g : Region.values()) {
            assertThat(RegionValues.key(g)).isEqualTo(g.name());
            assertThat(json.get(RegionValues.key(g)).asDouble()).as(g.name()).isEqualTo(V.get(g));
        }
        assertThat(V.get(TumourLabel.NCR_NET)).isEqualTo(V.ncrNet());
        assertThat(V.get(Region.TC)).isEqualTo(V.tc());
    }

    @Test
    void shouldBuildFromFunctionsOfTheEnumsAndReadBackByKey() {
        RegionValues r = RegionValues.of(l -> l.internal(), g -> 10 + g.ordinal());
        assertThat(r).isEqualTo(new RegionValues(2, 1, 3, 10, 11, 12));
        assertThat(r.byKey()).containsExactly(Map.entry("edema", 2.0), Map.entry("ncrNet", 1.0), Map.entry("enhancing", 3.0),
                Map.entry("WT", 10.0), Map.entry("TC", 11.0), Map.entry("ET", 12.0));
        assertThat(RegionValues.fromKeys(r.byKey())).isEqualTo(r);
        assertThat(r.meanRegions()).isEqualTo(11.0);
    }

    @Test
    void shouldAverageElementWiseAndGiveNullForNothing() {
        assertThat(RegionValues.mean(List.of(V, new RegionValues(3, 4, 5, 6, 7, 8)))).isEqualTo(new RegionValues(2, 3, 4, 5, 6, 7));
        assertThat(RegionValues.mean(List.of())).isNull();
    }

    @Test
    void shouldRefuseAMissingKeyNamingIt() {
        assertThatThrownBy(() -> RegionValues.fromKeys(Map.of("edema", 1, "ncrNet", 1, "enhancing", 1, "WT", 1, "TC", 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("missing ET");
    }
}
