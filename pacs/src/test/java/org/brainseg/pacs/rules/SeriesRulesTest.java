package org.brainseg.pacs.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.pacs.dicom.DicomException;
import org.brainseg.schemas.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeriesRulesTest {
    final SeriesRules rules = SeriesRules.defaultRules();

    static SeriesInfo mr(String id, String description, int number) {
        return new SeriesInfo(id, "MR", description, "", number, 100);
    }

    @ParameterizedTest(name = "''{0}'' / ''{1}'' -> {2}")
    @CsvSource({
        "T1, , t1",
        "T1w, , t1",
        "t1_mprage_sag_p2_iso, , t1",
        "AX T1 SE, , t1",
        "MPRAGE, , t1",
        "T1ce, , t1ce",
        "T1c, , t1ce",
        "T1+C, , t1ce",
        "T1 + C AX, , t1ce",
        "T1_MPRAGE_POST, , t1ce",
        "AX T1 POST GAD, , t1ce",
        "t1_gd, , t1ce",
        "post-contrast 3D, , t1ce",
        "MPRAGE GADO, , t1ce",
        "T2, , t2",
        "T2w, , t2",
        "AX T2 TSE, , t2",
        "FLAIR, , flair",
        "T2-FLAIR, , flair",
        "t2_flair_tra_fs, , flair",
        "AX T2 FLAIR POST GAD, , flair",
        "DWI, , -",
        "localizer, , -",
        "ADC, , -",
        ", t1_mprage, t1",
        "series 7, T2_FLAIR, flair",
    })
    void shouldClassifyCommonScannerNames(String description, String protocol, String expected) {
        Modality m = rules.classify(new SeriesInfo("x", "MR", description, protocol, 1, 10));
        assertThat(m == null ? "-" : m.key()).isEqualTo(expected);
    }

    @Test
    void shouldIgnoreSeriesThatAreNotMr() {
        assertThat(rules.classify(new SeriesInfo("x", "CT", "T1", "", 1, 10))).isNull();
        assertThat(rules.classify(new SeriesInfo("x", "SEG", "T1 segmentation", "", 1, 10))).isNull();
    }

    @Test
    void shouldPickOneSeriesPerModality() throws Exception {
        Map<Modality, SeriesInfo> s = rules.select(List.of(mr("a", "T1", 1), mr("b", "T1ce", 2), mr("c", "T2", 3),
                mr("d", "FLAIR", 4), new SeriesInfo("e", "SR", "report", "", 5, 1)));
        assertThat(s).containsOnlyKeys(Modality.values());
        assertThat(s.get(Modality.T1).id()).isEqualTo("a");
        assertThat(s.get(Modality.T1CE).id()).isEqualTo("b");
        assertThat(s.get(Modality.FLAIR).id()).isEqualTo("d");
    }

    @Test
    void shouldTakeTheLatestRepeatOfASeries() throws Exception {
        Map<Modality, SeriesInfo> s = rules.select(List.of(mr("a", "T1", 1), mr("a2", "T1 repeat", 9), mr("b", "T1ce", 2),
                mr("c", "T2", 3), mr("d", "FLAIR", 4)));
        assertThat(s.get(Modality.T1).id()).isEqualTo("a2");
    }

    @Test
    void shouldReportAStudyWithThreeSeriesAsSeriesMissing() {
        assertThatThrownBy(() -> rules.select(List.of(mr("a", "T1", 1), mr("b", "T1ce", 2), mr("c", "T2", 3))))
                .isInstanceOf(DicomException.class)
                .hasMessageContaining("no series for flair")
                .hasMessageContaining("#3 MR 'T2'")
                .satisfies(e -> assertThat(((DicomException) e).code()).isEqualTo(ErrorCode.SERIES_MISSING));
    }

    @Test
    void shouldReportAStudyWithoutMrAsSeriesMissing() {
        assertThatThrownBy(() -> rules.select(List.of(new SeriesInfo("a", "CT", "T1", "", 1, 10))))
                .hasMessageContaining("no series for t1, t1ce, t2, flair")
                .satisfies(e -> assertThat(((DicomException) e).code()).isEqualTo(ErrorCode.SERIES_MISSING));
    }

    @Test
    void shouldFollowConfiguredRules() throws Exception {
        Map<Modality, String> r = new EnumMap<>(SeriesRules.DEFAULTS);
        r.put(Modality.T1CE, "^mp2rage contrast$");
        SeriesRules custom = new SeriesRules(r);
        assertThat(custom.classify(mr("x", "MP2RAGE_contrast", 1))).isEqualTo(Modality.T1CE);
        assertThat(custom.classify(mr("x", "T1ce", 1))).isEqualTo(Modality.T1);
    }

    @Test
    void shouldRefuseABadRegularExpressionNamingTheKey() {
        Map<Modality, String> r = new EnumMap<>(SeriesRules.DEFAULTS);
        r.put(Modality.T2, "t2(");
        assertThatThrownBy(() -> new SeriesRules(r)).hasMessageStartingWith("series.t2:");
    }
}
